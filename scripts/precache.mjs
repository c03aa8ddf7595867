// Trunk post-build hook: writes sw.js at the site root from public/sw.js, with the list of
// every built file and a version hashed from their contents.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const staging = process.env.TRUNK_STAGING_DIR;
const root = process.env.TRUNK_SOURCE_DIR ?? process.cwd();
if (!staging) throw new Error('run as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

const files = walk(staging)
  .map((f) => path.relative(staging, f).split(path.sep).join('/'))
  .filter((f) => f !== 'sw.js' && f !== 'public/sw.js')
  .sort();
const hash = crypto.createHash('sha256');
for (const f of files) hash.update(f).update(fs.readFileSync(path.join(staging, f)));
const version = hash.digest('hex').slice(0, 16);
const urls = files.map((f) => (f === 'index.html' ? '/index.html' : `/${f}`));
urls.unshift('/');

const template = fs.readFileSync(path.join(root, 'public', 'sw.js'), 'utf8');
const sw = template.replace("'__VERSION__'", JSON.stringify(version)).replace('__PRECACHE__', JSON.stringify(urls, null, 2));
fs.writeFileSync(path.join(staging, 'sw.js'), sw);
console.log(`sw.js: ${urls.length} files precached, version ${version}`);
