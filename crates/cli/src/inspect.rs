//! `quxian inspect`: each document with its districts, main districts, topics and passages.

use anyhow::Result;
use serde_json::json;
use std::path::Path;

pub fn run(bundle: &Path, as_json: bool) -> Result<()> {
    let corpus = crate::load_bundle(bundle)?;
    let district = |d: quxian_core::DistrictId| corpus.district_name(d).to_string();
    let topic = |t: quxian_core::TopicId| corpus.topic_name(t).to_string();
    let docs: Vec<_> = corpus
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            json!({
                "doc": i,
                "key": d.key,
                "title": d.title,
                "date": d.date,
                "districts": d.districts.iter().map(|(id, score)| json!({"name": district(*id), "score": score})).collect::<Vec<_>>(),
                "main_districts": d.main_districts.iter().map(|id| district(*id)).collect::<Vec<_>>(),
                "topics": d.topics.iter().map(|t| topic(*t)).collect::<Vec<_>>(),
                "passages": d.passages.len(),
            })
        })
        .collect();
    if as_json {
        println!("{}", json!({ "version": 1, "documents": docs }));
        return Ok(());
    }
    for (i, d) in corpus.docs.iter().enumerate() {
        let scores: Vec<String> = d
            .districts
            .iter()
            .map(|(id, s)| format!("{}:{s}", district(*id)))
            .collect();
        let main: Vec<String> = d.main_districts.iter().map(|id| district(*id)).collect();
        let topics: Vec<String> = d.topics.iter().map(|t| topic(*t)).collect();
        println!("{i:>4} {} [{}]", d.title, d.key);
        println!(
            "     main {} | districts {} | topics {} | {} passages",
            main.join(","),
            scores.join(" "),
            topics.join(","),
            d.passages.len()
        );
    }
    Ok(())
}
