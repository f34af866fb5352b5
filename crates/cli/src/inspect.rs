//! `quxian inspect`: each document with its districts, main districts, topics and passages;
//! with `--explain`, why each passage got each district and topic.

use anyhow::{bail, Result};
use quxian_core::{Corpus, CorpusBuilder, Segmenter};
use serde_json::json;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct InspectArgs {
    /// The bundle file.
    bundle: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    json: bool,
    /// Say why each passage got each district and topic. The documents are annotated
    /// again with the gazetteer and lexicon (the files given, else the bundle's own), so
    /// an edited file shows its effect before the bundle is rebuilt.
    #[arg(long)]
    explain: bool,
    /// Only the document with this key or number.
    #[arg(long)]
    doc: Option<String>,
    /// With --explain: a gazetteer file replacing the built-in Chongqing one.
    #[arg(long)]
    gazetteer: Option<PathBuf>,
    /// With --explain: a topic lexicon file replacing the built-in one.
    #[arg(long)]
    topics: Option<PathBuf>,
}

pub fn run(args: InspectArgs) -> Result<()> {
    let corpus = crate::load_bundle(&args.bundle)?;
    if corpus.docs.is_empty() && !args.json {
        println!("the bundle holds no documents");
        return Ok(());
    }
    let chosen = chosen_document(args.doc.as_deref(), &corpus)?;
    let selected = |i: usize| chosen.is_none_or(|c| c == i);
    if args.explain {
        return explain(&args, &corpus, selected);
    }
    let as_json = args.json;
    let district = |d: quxian_core::DistrictId| corpus.district_name(d).to_string();
    let topic = |t: quxian_core::TopicId| corpus.topic_name(t).to_string();
    let docs: Vec<_> = corpus
        .docs
        .iter()
        .enumerate()
        .filter(|(i, _)| selected(*i))
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
        if !selected(i) {
            continue;
        }
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

/// The document `--doc` names (None: every document): by its key, else by its number —
/// one document, even when a number is also another document's key (`2.txt` is key 2).
fn chosen_document(doc: Option<&str>, corpus: &Corpus) -> Result<Option<usize>> {
    let Some(doc) = doc else {
        return Ok(None);
    };
    let by_key = corpus.docs.iter().position(|d| d.key == doc);
    let by_number = doc.parse::<usize>().ok().filter(|n| *n < corpus.docs.len());
    match by_key.or(by_number) {
        Some(i) => Ok(Some(i)),
        None => bail!("no document matches --doc (give a document's key or number, as `quxian inspect` lists them)"),
    }
}

/// `--explain`: annotate the selected documents again and print the reasons.
fn explain(args: &InspectArgs, corpus: &Corpus, selected: impl Fn(usize) -> bool) -> Result<()> {
    if args.json {
        bail!("--explain prints text only; leave out --json");
    }
    let (gazetteer, lexicon, _) = crate::build::load_data_files(
        args.gazetteer.as_deref(),
        args.topics.as_deref(),
        &corpus.data_files,
    )?;
    let segmenter = Segmenter::with_default_dict(&gazetteer, &lexicon);
    let builder = CorpusBuilder::new(segmenter, gazetteer, lexicon);
    for (i, doc) in corpus.docs.iter().enumerate() {
        if !selected(i) {
            continue;
        }
        let why = builder.explain(corpus, doc);
        println!(
            "{i:>4} {} [{}] {}",
            doc.title,
            doc.key,
            doc.date.as_deref().unwrap_or("")
        );
        for line in &why.document {
            println!("     {line}");
        }
        let passages = corpus
            .passages
            .get(doc.passages.start as usize..doc.passages.end as usize)
            .unwrap_or_default();
        for (n, (p, lines)) in passages.iter().zip(&why.passages).enumerate() {
            let text = doc.text.get(p.start as usize..p.end as usize).unwrap_or("");
            let head: String = text.chars().take(30).collect();
            println!("     段{} {head}…", n + 1);
            for line in lines {
                println!("         {line}");
            }
        }
    }
    Ok(())
}
