//! Small corpora for the app's unit tests, built by hand (no build pipeline, no jieba).

use quxian_core::{Corpus, DistrictId, DocId, Document, Passage, TopicId};

/// One passage of a test document: its text and the ids of its districts and topics.
pub struct TestPassage<'a> {
    pub text: &'a str,
    pub districts: Vec<u16>,
    pub topics: Vec<u16>,
}

/// A corpus with these district and topic names and one document per entry of `docs`
/// (document `d` has key `doc{d}` and title `文档{d}`; its passages are joined by `\n`).
pub fn corpus(districts: &[&str], topics: &[&str], docs: &[Vec<TestPassage>]) -> Corpus {
    let mut corpus = Corpus::empty();
    corpus.districts = districts.iter().map(|s| s.to_string()).collect();
    corpus.topics = topics.iter().map(|s| s.to_string()).collect();
    for (d, passages) in docs.iter().enumerate() {
        let first = corpus.passages.len() as u32;
        let mut text = String::new();
        for p in passages {
            let start = text.len() as u32;
            text.push_str(p.text);
            corpus.passages.push(Passage {
                doc: DocId(d as u32),
                start,
                end: text.len() as u32,
                districts: p.districts.iter().map(|&i| DistrictId(i)).collect(),
                inherited: false,
                topics: p.topics.iter().map(|&i| TopicId(i)).collect(),
            });
            text.push('\n');
        }
        corpus.docs.push(Document {
            key: format!("doc{d}"),
            title: format!("文档{d}"),
            date: None,
            source: None,
            url: None,
            text,
            passages: first..corpus.passages.len() as u32,
            districts: vec![],
            main_districts: vec![],
            topics: vec![],
        });
    }
    corpus
}
