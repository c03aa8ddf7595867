//! Two tabs of one browser.

use super::*;

#[test]
fn two_tabs_take_in_each_others_saved_typing() {
    let storage = SharedKv::default();
    let tab = |n: u8| storage.tab(n);
    let (mut first, id) = leader();
    first.save(NOW).unwrap();
    for k in first.kv().keys().unwrap() {
        storage
            .clone()
            .set(&k, &first.kv().get(&k).unwrap().unwrap())
            .unwrap();
    }
    let mut a = tab(1);
    let mut b = tab(2);
    let notes = TextField::Discussion(id.clone(), DiscussionText::Notes);
    let strengths = answer(&id, AnswerField::Strengths);
    assert_eq!(a.discussion(&id).unwrap().notes.as_str(), "");
    let before: Vec<String> = storage.keys().unwrap();
    // Both type at once, each in its own field; b saves first.
    let typed = |ws: &mut Workspace<SharedKv>, field: &TextField, text: &str| {
        let mut at = 0;
        for c in text.chars() {
            let s = c.to_string();
            ws.splice(field, &Splice::insert(at, &s), NOW).unwrap();
            at += s.len();
        }
    };
    typed(&mut a, &strengths, "from tab a");
    typed(&mut b, &notes, "from tab b");
    b.save(NOW).unwrap();
    // The browser tells tab a of every key tab b wrote (its storage event).
    for k in storage.keys().unwrap() {
        if !before.contains(&k) {
            a.stored_elsewhere(&k).unwrap();
        }
    }
    let d = a.discussion(&id).unwrap();
    assert_eq!(d.notes.as_str(), "from tab b");
    assert_eq!(d.answers.strengths.as_str(), "from tab a");
    // Tab a's own typing survives, and saving it overwrites nothing of b's.
    a.save(NOW).unwrap();
    let mut fresh = tab(3);
    let d = fresh.discussion(&id).unwrap();
    assert_eq!(d.notes.as_str(), "from tab b");
    assert_eq!(d.answers.strengths.as_str(), "from tab a");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random splices through the workspace give the same text as on a plain string, and the
    /// copy the workspace keeps always equals a fresh read of what it saved.
    #[test]
    fn splices_through_the_workspace_equal_the_same_edits_on_a_string(
        edits in prop::collection::vec((any::<usize>(), 0usize..4, 0usize..8), 1..30)
    ) {
        const WORDS: [&str; 8] = ["Zoë ", "👩🏽‍💻", " naïve", " — ", "日本", "lead ", "x", "\n"];
        let (mut ws, id) = leader();
        let field = answer(&id, AnswerField::LongTerm);
        let mut plain = String::new();
        for (at, delete, word) in edits {
            let chars: Vec<usize> = plain.char_indices().map(|(b, _)| b).chain([plain.len()]).collect();
            let start = chars[at % chars.len()];
            let end = chars[(at % chars.len() + delete).min(chars.len() - 1)];
            let splice = Splice { at: start, delete: end - start, insert: WORDS[word].to_string() };
            ws.splice(&field, &splice, NOW).unwrap();
            splice.apply(&mut plain).unwrap();
            let now = ws.discussion(&id).unwrap();
            prop_assert_eq!(now.answers.long_term.as_str(), plain.as_str());
        }
        ws.save(NOW).unwrap();
        let copy = ws.discussion(&id).unwrap();
        prop_assert_eq!(reopened(&ws, 9).discussion(&id).unwrap(), copy);
    }
}
