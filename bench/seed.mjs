// Puts a data set (a localStorage dump made by core/examples/bench_data.rs) into a browser
// context's storage on its first page load only: later reloads keep what the app wrote.
export async function seed(context, dump) {
  await context.addInitScript((d) => {
    if (!sessionStorage.getItem('bench-seeded')) {
      localStorage.clear();
      for (const [k, v] of Object.entries(JSON.parse(d))) localStorage.setItem(k, v);
      sessionStorage.setItem('bench-seeded', '1');
    }
  }, dump);
}
