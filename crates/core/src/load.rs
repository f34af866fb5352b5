//! Opening a bundle a slice at a time ([`SearcherLoader`]): decoded, then indexed, each
//! step about a millisecond of work, so that a page on its own thread can yield to the
//! browser between slices (a 28 MB bundle took one task of ~2 s).

use crate::bundle::BundleDecoder;
use crate::index::IndexBuilder;
use crate::{Error, Result, Searcher};

/// Bytes decoded, or passages indexed, per step (about a millisecond of work each in
/// WebAssembly).
const DECODE_BYTES_PER_STEP: usize = 128 << 10;
const PASSAGES_PER_STEP: u32 = 64;

/// How long a page steps a loader before it yields to the browser, in milliseconds: short
/// enough that typing and scrolling stay smooth, long enough that yielding costs little.
pub const LOAD_SLICE_MS: f64 = 30.0;

/// A bundle being opened for searching.
pub struct SearcherLoader<'b> {
    stage: Stage<'b>,
}

enum Stage<'b> {
    Decoding(BundleDecoder<'b>),
    Indexing(Box<IndexBuilder>),
    /// The searcher was returned.
    Done,
}

impl<'b> SearcherLoader<'b> {
    /// Start opening the bundle `bytes`; its header and checksum are checked here, the
    /// rest by the steps, with the errors of [`Corpus::from_bundle`](crate::Corpus::from_bundle).
    pub fn new(bytes: &'b [u8]) -> Result<Self> {
        Ok(SearcherLoader {
            stage: Stage::Decoding(BundleDecoder::new(bytes)?),
        })
    }

    /// Steps while `more_time()` says so (a page gives it a clock and [`LOAD_SLICE_MS`]);
    /// the searcher once the bundle is decoded and indexed. After the searcher, further
    /// calls are an error; after an error, the bundle is not readable.
    pub fn run_while(&mut self, mut more_time: impl FnMut() -> bool) -> Result<Option<Searcher>> {
        while more_time() {
            if let Some(searcher) = self.step()? {
                return Ok(Some(searcher));
            }
        }
        Ok(None)
    }

    /// About a millisecond of work; the searcher once the bundle is decoded and indexed.
    pub fn step(&mut self) -> Result<Option<Searcher>> {
        match &mut self.stage {
            Stage::Decoding(decoder) => {
                if let Some(corpus) = decoder.step(DECODE_BYTES_PER_STEP)? {
                    self.stage = Stage::Indexing(Box::new(IndexBuilder::new(corpus)));
                }
                Ok(None)
            }
            Stage::Indexing(builder) => {
                if !builder.step(PASSAGES_PER_STEP) {
                    return Ok(None);
                }
                let Stage::Indexing(builder) = std::mem::replace(&mut self.stage, Stage::Done)
                else {
                    return Ok(None);
                };
                let (corpus, index) = builder.finish();
                Ok(Some(Searcher::with_index(corpus, index)))
            }
            Stage::Done => Err(Error::Corrupt {
                section: "corpus",
                detail: "the bundle was loaded already".to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::annotated_corpus;
    use crate::{Corpus, Filters, Query};

    #[test]
    fn a_loaded_searcher_answers_as_one_built_at_once() {
        let corpus = annotated_corpus(&[(&[0], &[0, 1]), (&[1], &[]), (&[0, 1], &[1])]);
        let bytes = corpus.to_bundle();
        let mut loader = SearcherLoader::new(&bytes).unwrap();
        let mut steps = 0;
        let loaded = loop {
            steps += 1;
            if let Some(searcher) = loader.step().unwrap() {
                break searcher;
            }
        };
        assert!(steps >= 3, "decoded, then indexed: {steps} steps");
        assert!(
            loader.step().is_err(),
            "a step after the searcher is an error"
        );
        let at_once = Searcher::new(Corpus::from_bundle(&bytes).unwrap());
        for q in ["段落", "段落1", "落"] {
            let query = Query::parse(q).unwrap();
            assert_eq!(
                loaded.search(&query, &Filters::default(), 10),
                at_once.search(&query, &Filters::default(), 10),
                "{q}"
            );
        }
        assert!(SearcherLoader::new(b"not a bundle").is_err());
    }
}
