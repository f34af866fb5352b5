//! Search (query time): [`Query`] + [`Filters`] → ranked passages grouped by document, with
//! snippets and disjunctive facet counts, in one pass over the match set.
//!
//! Matching: every clause (a free-text word or a phrase) must occur in the document (AND at
//! document level, as Pagefind does); the passages shown are those holding at least one
//! clause, the ones holding more first. Excluded clauses must not occur in the document. A clause that names a district (北碚, 北碚区, an alias such as
//! 开县) stands for all the names of that district, so each finds the same passages. Scoring is BM25 over clause occurrences, with a bonus for
//! clauses that also occur in the document title. An empty query matches every passage in
//! corpus order, which is what a filter-only view lists.

use crate::analyze::{phrase_units, Vocabulary};
use crate::facet::{count_and_filter, in_facets};
use crate::index::{Index, IndexBuilder, Posting};
use crate::snippet::{merge, SNIPPET_CHARS};
use crate::text::{unit_string, Unit, UnitString};
use crate::{
    Corpus, Date, DistrictId, DocId, FacetCounts, Filters, PassageId, Query, Snippet, SortOrder,
    TopicId,
};
use std::cmp::Ordering;
use std::ops::Range;
use std::rc::Rc;

/// BM25 term-frequency saturation: higher lets repeated occurrences count for longer.
const K1: f32 = 1.2;
/// BM25 length normalization: 0 ignores passage length, 1 fully normalizes by it.
const B: f32 = 0.75;
/// Extra weight, as a multiple of the clause's IDF, when the document title has the clause.
const TITLE_BOOST: f32 = 1.5;
/// Weight of a district name's match in a passage that the annotation did not tag with
/// that district: the name is then inside another word (渝中 in 成渝中线), a person's name or
/// a place elsewhere. Such passages still match (every substring does) but rank below
/// the passages about the district.
const NOT_THE_DISTRICT: f32 = 0.25;
/// A passage's share of a typed chunk of several words when it holds only the most specific
/// word of it (see `chunk_shares`).
const PARTIAL_CHUNK: f32 = 0.5;

/// Bytes of passage text highlighted per query. Highlighting is linear in a passage's
/// length; past this budget (hits in display order) a hit gets a snippet from the start of
/// its passage without highlights, so a query matching thousands of passages still answers
/// in milliseconds. 512 KB is about 170,000 characters, the first screen of results (200
/// documents, 3 passages each) of a typical corpus, and costs about 6 ms natively.
const HIGHLIGHT_BUDGET: usize = 512 << 10;

/// Bytes of one passage searched for highlights. Passages built now are at most about
/// 3 KB (see `passage`); bundles built before that cap may hold one-passage books, whose
/// matches past this prefix are found but not highlighted.
const HIGHLIGHT_PREFIX: usize = 64 << 10;

/// One matching passage.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The passage.
    pub passage: PassageId,
    /// BM25 score (0 for a query without terms).
    pub score: f32,
    /// Whether the passage holds the whole query: every typed chunk, and a chunk of several
    /// words as typed (低空经济, not 低空 and 经济 apart). A document lists these first; the
    /// explorer shows its other passages only when it has none.
    pub whole: bool,
    /// Snippet of the passage with highlights.
    pub snippet: Snippet,
}

/// The matching passages of one document, best first.
#[derive(Clone, Debug, PartialEq)]
pub struct DocGroup {
    /// The document.
    pub doc: DocId,
    /// Score of the group: its best passage, nudged up by further matches.
    pub score: f32,
    /// Matching passages, best first.
    pub hits: Vec<Hit>,
    /// How many passages of the document match: `hits` may hold fewer, when a site page
    /// asks for the texts of only the first few of each document.
    pub matching: usize,
}

impl DocGroup {
    /// How many of `hits` a list shows before the rest of the document (还有 N 段), at most
    /// `limit`: the passages holding the whole query, or the first ones when none does (its
    /// words meet only across passages). A passage with one word of 北碚 旅游 next to one
    /// with both is not what was asked.
    pub fn first_shown(&self, limit: usize) -> usize {
        let whole = self.hits.iter().take_while(|h| h.whole).count();
        let first = if whole > 0 { whole } else { self.hits.len() };
        first.min(limit)
    }
}

/// What a search returns.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SearchResults {
    /// Matching passages after filters.
    pub total: usize,
    /// Documents with at least one matching passage after filters.
    pub total_docs: usize,
    /// The best documents (at most the requested number), best first.
    pub groups: Vec<DocGroup>,
    /// Disjunctive counts over the match set.
    pub facets: FacetCounts,
    /// The filters in effect (the given ones plus `district:`/`topic:` from the query).
    pub filters: Filters,
    /// Things the user should know: unknown filter names and the like (in Chinese).
    pub notices: Vec<String>,
    /// Documents by date for a timeline: those matching the query and the district and
    /// topic filters, whatever the date filter (so the timeline shows what lies outside
    /// it), as `(date, documents)` by date.
    pub timeline: Vec<(Date, u32)>,
    /// Documents of the timeline's set without a date.
    pub undated: u32,
}

/// A clause of a query: one alternative, or every name of the district a typed word names.
#[derive(Debug)]
pub(crate) struct QueryClause {
    /// What to match: any of these.
    pub(crate) alternatives: Vec<Vec<Unit>>,
    /// The district an unquoted word names (its alternatives are that district's names).
    pub(crate) district: Option<DistrictId>,
    /// Which typed chunk (text between spaces, or a quoted phrase) it came from: the words
    /// of one chunk (低空经济 → 低空, 经济) name one thing and must meet in one passage; the
    /// chunks of a query (重庆 高铁) must meet in one document.
    pub(crate) chunk: usize,
    /// The clause is a chunk cut into several words, as typed (低空经济 beside 低空 and
    /// 经济): not required, as its words are, but a passage holding it holds the chunk whole.
    pub(crate) literal: bool,
}

/// A matching passage's rank within its document: its score, and whether it holds the
/// whole query (see [`Hit::whole`]), which comes first.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Score {
    pub(crate) value: f32,
    pub(crate) whole: bool,
}

/// The scored matches of a query, by passage id, shared by the searches that reuse them.
pub(crate) type Scored = Rc<Matches>;

/// A query's matching passages, by id, with their scores, and what a reader should be told
/// about how they were matched.
#[derive(Default)]
pub(crate) struct Matches {
    pub(crate) passages: Vec<(u32, Score)>,
    pub(crate) notices: Vec<String>,
}

impl Score {
    /// Whole passages first, then by score.
    fn order(a: &Score, b: &Score) -> Ordering {
        b.whole.cmp(&a.whole).then(b.value.total_cmp(&a.value))
    }
}

/// A clause analyzed for this corpus: the query's clause and the passages holding any of
/// its alternatives.
struct Clause {
    query: QueryClause,
    postings: Vec<Posting>,
}

impl Clause {
    /// Whether the clause is one of the words typed in `chunk` (not the chunk's literal).
    fn is_word_of(&self, chunk: usize) -> bool {
        self.query.chunk == chunk && !self.query.literal
    }
}

/// The district names a source knows, for expanding a query word that names a district.
#[derive(Clone, Copy)]
pub(crate) struct DistrictNames<'a> {
    /// Display names, by district id.
    pub(crate) districts: &'a [String],
    /// Full names and other names with their district.
    pub(crate) aliases: &'a [(String, DistrictId)],
}

impl DistrictNames<'_> {
    /// The district `word` names and every name of it (北碚区 → 北碚, 北碚区), without the
    /// names that contain another one (a passage with 北碚区 has 北碚); `None` for other words.
    fn expand(&self, word: &str) -> Option<(DistrictId, Vec<String>)> {
        let id = crate::corpus::district_by_name(self.districts, self.aliases, word)?;
        let names: Vec<&str> = self
            .districts
            .get(usize::from(id.0))
            .map(String::as_str)
            .into_iter()
            .chain(
                self.aliases
                    .iter()
                    .filter(|(_, d)| *d == id)
                    .map(|(n, _)| n.as_str()),
            )
            .collect();
        let shortest = names
            .iter()
            .filter(|n| !names.iter().any(|m| m != *n && n.contains(*m)))
            .map(|n| n.to_string())
            .collect();
        Some((id, shortest))
    }
}

impl SearchResults {
    /// The hits in display order (best document first, best passage first inside it).
    pub fn hits(&self) -> impl Iterator<Item = &Hit> {
        self.groups.iter().flat_map(|g| g.hits.iter())
    }
}

/// What a search needs from an index, whether it is all in memory ([`Searcher`]) or fetched
/// piece by piece (`site`). One implementation of matching, ranking, facets and snippets
/// serves both, so a sharded site and a single bundle always give the same results.
pub(crate) trait SearchSource {
    /// The corpus words queries are segmented against.
    fn vocabulary(&self) -> &Vocabulary;
    /// A district as a user names it (short, full or alias name).
    fn district_by_name(&self, name: &str) -> Option<DistrictId>;
    /// All district names, for expanding query words that name a district.
    fn district_names(&self) -> DistrictNames<'_>;
    /// A topic by name.
    fn topic_by_name(&self, name: &str) -> Option<TopicId>;
    /// Number of districts and of topics (sizes of the facet count vectors).
    fn facet_sizes(&self) -> (usize, usize);
    /// Number of passages in the corpus.
    fn passage_count(&self) -> usize;
    /// Mean passage length in units (BM25).
    fn average_length(&self) -> f32;
    /// Passages containing `units` adjacently, with occurrence counts, by passage id.
    fn matches(&self, units: &[Unit]) -> Vec<Posting>;
    /// Length of a passage in units (BM25).
    fn length(&self, passage: u32) -> u32;
    /// The document of a passage.
    fn doc_of(&self, passage: u32) -> DocId;
    /// The districts and topics of a passage.
    fn labels(&self, passage: u32) -> (&[DistrictId], &[TopicId]);
    /// Whether a document's title contains `needle` (a unit string).
    fn title_contains(&self, doc: DocId, needle: &str) -> bool;
    /// The text of a passage (only asked for passages on the returned page).
    fn passage_text(&self, passage: u32) -> &str;
    /// The date of a document, if it has one.
    fn doc_date(&self, doc: DocId) -> Option<Date>;
    /// The scored matches of `query` ([`match_set`]). A source may keep them: a page and
    /// then its counts, a filter or the next page of the same query then score it once.
    fn scored_matches(&self, query: &Query) -> Scored
    where
        Self: Sized,
    {
        Rc::new(match_set(self, query))
    }
}

/// The clauses of a query in the order they were typed (free-text words, then phrases),
/// each as its alternatives: a free-text chunk or word that names a district becomes every
/// name of it (one term); anything else, and every phrase, is its own single alternative.
pub(crate) fn query_clauses(
    vocabulary: &Vocabulary,
    names: DistrictNames<'_>,
    query: &Query,
) -> Vec<QueryClause> {
    let word = |chunk: usize, units: Vec<Unit>| match names.expand(&unit_string(&units)) {
        Some((id, all)) => QueryClause {
            alternatives: all.iter().map(|n| phrase_units(n)).collect(),
            district: Some(id),
            chunk,
            literal: false,
        },
        None => QueryClause {
            alternatives: vec![units],
            district: None,
            chunk,
            literal: false,
        },
    };
    let words = query.text.iter().enumerate().flat_map(|(chunk, t)| {
        if names.expand(t.trim()).is_some() {
            return vec![word(chunk, phrase_units(t))];
        }
        let words = vocabulary.clauses(t);
        let literal = chunk_literal(t, &words).map(|units| QueryClause {
            alternatives: vec![units],
            district: None,
            chunk,
            literal: true,
        });
        let words = words.into_iter().map(|units| word(chunk, units));
        words.chain(literal).collect()
    });
    let first_phrase = query.text.len();
    let phrases = query.phrases.iter().enumerate().map(|(i, p)| QueryClause {
        alternatives: vec![phrase_units(p)],
        district: None,
        chunk: first_phrase + i,
        literal: false,
    });
    let mut clauses: Vec<QueryClause> = words
        .chain(phrases)
        .filter(|c| !c.alternatives.is_empty() && c.alternatives.iter().all(|a| !a.is_empty()))
        .collect();
    // Number the chunks that kept a clause 0, 1, 2 … (a chunk of punctuation keeps none).
    let mut kept: Vec<usize> = clauses.iter().map(|c| c.chunk).collect();
    kept.dedup();
    for c in &mut clauses {
        c.chunk = kept.iter().position(|k| *k == c.chunk).unwrap_or(0);
    }
    clauses
}

/// A typed chunk cut into several `words` that follow each other in it, as one phrase (see
/// [`QueryClause::literal`]); `None` for a chunk of one word.
fn chunk_literal(chunk: &str, words: &[Vec<Unit>]) -> Option<Vec<Unit>> {
    let typed = phrase_units(chunk);
    (words.len() > 1 && words.concat() == typed).then_some(typed)
}

/// Passages holding any of `alternatives`, by passage id; an occurrence count is the
/// largest among the alternatives (北碚 and 北碚区 are one occurrence in 北碚区).
pub(crate) fn union_matches(src: &impl SearchSource, alternatives: &[Vec<Unit>]) -> Vec<Posting> {
    let mut all: Vec<Posting> = alternatives.iter().flat_map(|a| src.matches(a)).collect();
    all.sort_by(|a, b| a.passage.cmp(&b.passage).then(b.tf.cmp(&a.tf)));
    all.dedup_by_key(|p| p.passage);
    all
}

/// The excluded clauses of a query (`-词`), as units.
pub(crate) fn excluded_clauses(query: &Query) -> Vec<Vec<Unit>> {
    query
        .excluded
        .iter()
        .map(|e| phrase_units(e))
        .filter(|u| !u.is_empty())
        .collect()
}

/// Whether the query has words or phrases but no character that is searched (only
/// punctuation or emoji): it then matches every passage, which the user should be told.
fn nothing_searchable(query: &Query) -> bool {
    let mut typed = query.text.iter().chain(&query.phrases).peekable();
    typed.peek().is_some() && typed.all(|t| phrase_units(t).is_empty())
}

/// Notices for syntax that other search engines have and this one does not, so that a
/// query written for them is not silently searched as something else: `-district:` /
/// `-topic:` (an exclusion of a label: searched as text, it excluded nothing) and `OR` /
/// `AND` / `NOT` between words (searched as words, they usually found nothing).
fn syntax_notices(query: &Query) -> Vec<String> {
    // Parsed as the filters are (the query is NFKC-folded: ： is already :).
    let label = |e: &&String| {
        e.split_once(':')
            .is_some_and(|(field, _)| crate::query::label_field(field).is_some())
    };
    let labels =
        query.excluded.iter().filter(label).map(|e| {
            format!("不能排除区县或主题（“-{e}”），已忽略：请在筛选中只勾选想看的区县或主题")
        });
    let several = query.text.len() + query.phrases.len() > 1;
    let operator =
        |t: &&String| several && matches!(t.as_str(), "OR" | "AND" | "NOT" | "or" | "and");
    let operators = query.text.iter().filter(operator).map(|t| {
        format!("“{t}”不是运算符，已当作普通的词检索：用空格分开的词须同时出现在一篇文档中；要排除某个词，在它前面加 -")
    });
    labels.chain(operators).collect()
}

/// Resolve `district:` / `topic:` names of the query and add them to `filters`.
fn effective_filters(
    src: &impl SearchSource,
    query: &Query,
    filters: &Filters,
    notices: &mut Vec<String>,
) -> Filters {
    let mut f = filters.clone();
    for name in &query.districts {
        match src.district_by_name(name) {
            Some(id) if !f.districts.contains(&id) => f.districts.push(id),
            Some(_) => {}
            None => notices.push(format!("未知区县“{name}”，已忽略")),
        }
    }
    for name in &query.topics {
        match src.topic_by_name(name) {
            Some(id) if !f.topics.contains(&id) => f.topics.push(id),
            Some(_) => {}
            None => notices.push(format!("未知主题“{name}”，已忽略")),
        }
    }
    f
}

/// Passage ids matching the query's clauses and exclusions, with scores, by passage id.
pub(crate) fn match_set(src: &impl SearchSource, query: &Query) -> Matches {
    let clauses: Vec<Clause> = query_clauses(src.vocabulary(), src.district_names(), query)
        .into_iter()
        .map(|query| Clause {
            postings: union_matches(src, &query.alternatives),
            query,
        })
        .collect();
    let mut matched = if clauses.is_empty() {
        let all = Score {
            value: 0.0,
            whole: true,
        };
        Matches {
            passages: (0..src.passage_count() as u32).map(|p| (p, all)).collect(),
            notices: Vec::new(),
        }
    } else {
        score_all(src, &clauses)
    };
    let excluded = excluded_docs(src, query);
    if !excluded.is_empty() {
        let kept = |(p, _): &(u32, Score)| excluded.binary_search(&src.doc_of(*p).0).is_err();
        matched.passages.retain(kept);
    }
    matched
}

/// For each typed chunk of several words that no passage holds all of (火锅北碚: 火锅 and 北碚
/// never in one passage) but some hold its most specific word, a notice: its matches are
/// the passages of that word alone (see [`chunk_shares`]), which a reader who ran two words
/// together did not ask for. `held`: the most of each chunk any passage holds.
fn unheld_chunk_notices(clauses: &[Clause], keys: &[usize], held: &[f32]) -> Vec<String> {
    let word = |c: &Clause| c.query.alternatives.first().map(|a| unit_string(a));
    (0..keys.len())
        .filter(|chunk| held[*chunk] == PARTIAL_CHUNK)
        .filter_map(|chunk| {
            let words: Vec<String> = (clauses.iter())
                .filter(|c| c.is_word_of(chunk))
                .filter_map(word)
                .collect();
            let key = word(clauses.get(keys[chunk])?)?;
            // As typed (北碚区政府, where the district's word is 北碚), when it has a literal.
            let typed = (clauses.iter())
                .find(|c| c.query.chunk == chunk && c.query.literal)
                .and_then(word)
                .unwrap_or_else(|| words.concat());
            (words.len() > 1).then(|| {
                format!(
                    "没有段落同时含有“{typed}”中的各个词：下面只按其中最少见的“{key}”列出。要求每个词都出现，请用空格把它们分开（如 {}）",
                    words.join(" ")
                )
            })
        })
        .collect()
}

/// The documents that hold an excluded clause (`-词`) in any passage, sorted. Exclusion is
/// per document, as the AND of several words is: `重庆 -高铁` lists documents about 重庆
/// that never mention 高铁, not their passages that happen not to.
fn excluded_docs(src: &impl SearchSource, query: &Query) -> Vec<u32> {
    let mut docs: Vec<u32> = excluded_clauses(query)
        .iter()
        .flat_map(|units| src.matches(units))
        .map(|posting| src.doc_of(posting.passage).0)
        .collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// How much of each typed chunk a passage holds: 1 with every word of it; [`PARTIAL_CHUNK`]
/// with its most specific word (`keys`: the highest IDF) but not all, as a later mention
/// often drops the rest (陆海新通道 after 西部陆海新通道) while a generic word alone is no
/// answer (经济 of 低空经济); else 0. A chunk's literal clause does not count here.
/// Appended to `out`, one per chunk (no allocation per passage).
fn chunk_shares(clauses: &[Clause], keys: &[usize], tfs: &[u32], out: &mut Vec<f32>) {
    for (chunk, key) in keys.iter().enumerate() {
        let full = clauses
            .iter()
            .zip(tfs)
            .all(|(c, tf)| c.query.chunk != chunk || c.query.literal || *tf > 0);
        out.push(match (full, tfs[*key] > 0) {
            (true, _) => 1.0,
            (false, true) => PARTIAL_CHUNK,
            (false, false) => 0.0,
        });
    }
}

/// Whether a passage holds the whole query: all of every chunk (`shares`), and the typed
/// form of each chunk that has one.
fn holds_whole(clauses: &[Clause], shares: &[f32], tfs: &[u32]) -> bool {
    shares.iter().all(|s| *s == 1.0)
        && clauses
            .iter()
            .zip(tfs)
            .all(|(c, tf)| !c.query.literal || *tf > 0)
}

/// The most specific word (highest IDF) of each of `chunks` chunks.
fn chunk_keys(clauses: &[Clause], idfs: &[f32], chunks: usize) -> Vec<usize> {
    (0..chunks)
        .map(|c| {
            (0..clauses.len())
                .filter(|i| clauses[*i].is_word_of(c))
                .max_by(|a, b| idfs[*a].total_cmp(&idfs[*b]))
                .unwrap_or(0)
        })
        .collect()
}

/// The strings a title may hold for each clause: its alternatives; none for a literal
/// clause, which scores nothing (`passage_bm25` skips it).
fn title_needles(clauses: &[Clause]) -> Vec<Vec<String>> {
    let needles = |c: &Clause| match c.query.literal {
        true => Vec::new(),
        false => c
            .query
            .alternatives
            .iter()
            .map(|a| unit_string(a))
            .collect(),
    };
    clauses.iter().map(needles).collect()
}

/// The title boost of each clause in `doc`, into `out` (one buffer for every document).
fn title_bonus(src: &impl SearchSource, doc: DocId, needles: &[Vec<String>], out: &mut Vec<f32>) {
    out.clear();
    out.extend(needles.iter().map(|alternatives| {
        match alternatives.iter().any(|a| src.title_contains(doc, a)) {
            true => TITLE_BOOST,
            false => 0.0,
        }
    }));
}

/// Document-level AND of the typed chunks: the passages of documents holding every chunk
/// somewhere (重庆 高铁 finds a document naming 重庆 in one passage and 高铁 in another), each
/// passage holding at least one chunk (see [`chunk_shares`]). The words of one chunk must
/// meet in one passage of the document, unless they meet nowhere (then its most specific
/// word stands for it, with a notice). A passage scores BM25 over
/// the clauses of the chunks it holds plus the title boost, times its share of the chunks,
/// so passages with all the words come first; a district's names count less in a passage
/// not tagged with it ([`NOT_THE_DISTRICT`]). A chunk's literal clause adds nothing to the
/// score; it tells whether the passage holds the chunk whole ([`holds_whole`]).
fn score_all(src: &impl SearchSource, clauses: &[Clause]) -> Matches {
    let n = src.passage_count() as f32;
    let k = clauses.iter().map(|c| c.query.chunk + 1).max().unwrap_or(0);
    let idfs: Vec<f32> = clauses
        .iter()
        .map(|c| {
            let df = c.postings.len() as f32;
            (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
        })
        .collect();
    let keys = chunk_keys(clauses, &idfs, k);
    let counts = clause_counts(clauses);
    let mut shares = Vec::with_capacity(counts.passages.len() * k);
    for i in 0..counts.passages.len() {
        chunk_shares(clauses, &keys, counts.tfs(i), &mut shares);
    }
    let share = |i: usize| &shares[i * k..(i + 1) * k];
    // Per chunk of several words, the most of it any passage holds (1.0: all of its
    // words; looked for first, so a chunk held whole stops at its first such passage). A
    // chunk of one word is whole wherever it is.
    let several = |c: usize| clauses.iter().filter(|cl| cl.is_word_of(c)).count() > 1;
    let any =
        |c: usize, holds: fn(f32) -> bool| (0..counts.passages.len()).any(|i| holds(share(i)[c]));
    let most_held = |c: usize| {
        if !several(c) || any(c, |s| s == 1.0) {
            1.0
        } else if any(c, |s| s > 0.0) {
            PARTIAL_CHUNK
        } else {
            0.0
        }
    };
    let held: Vec<f32> = (0..k).map(most_held).collect();
    let needles = title_needles(clauses);
    let mut bonus = Vec::new();
    let mut out = Vec::new();
    for (doc, run) in doc_runs(src, counts.passages.iter().copied()) {
        // A document answers a chunk with a passage holding some of it and, where some
        // passage of the corpus holds all its words, every word somewhere (北碚温泉 lists
        // no document without 北碚; a later mention of 长安 in a document on 长安汽车 stays).
        let has_word = |j: usize| run.clone().any(|i| counts.tfs(i)[j] > 0);
        let answers = |c: usize| {
            run.clone().any(|i| share(i)[c] > 0.0)
                && (held[c] < 1.0
                    || (0..clauses.len()).all(|j| !clauses[j].is_word_of(c) || has_word(j)))
        };
        if !(0..k).all(answers) {
            continue;
        }
        title_bonus(src, doc, &needles, &mut bonus);
        for i in run {
            let (passage, tfs, share) = (&counts.passages[i], counts.tfs(i), share(i));
            let holds: f32 = share.iter().sum();
            if holds > 0.0 {
                let bm25 = passage_bm25(src, *passage, clauses, tfs, share, (&idfs, &bonus));
                let score = Score {
                    value: bm25 * holds / k as f32,
                    whole: holds_whole(clauses, share, tfs),
                };
                out.push((*passage, score));
            }
        }
    }
    Matches {
        passages: out,
        notices: unheld_chunk_notices(clauses, &keys, &held),
    }
}

/// BM25 of one passage over the clauses of the chunks it holds (`share` > 0), each with
/// its IDF and title bonus.
fn passage_bm25(
    src: &impl SearchSource,
    passage: u32,
    clauses: &[Clause],
    tfs: &[u32],
    share: &[f32],
    (idfs, bonus): (&[f32], &[f32]),
) -> f32 {
    let len = src.length(passage) as f32;
    let norm = K1 * (1.0 - B + B * len / src.average_length());
    let tagged = src.labels(passage).0;
    (0..clauses.len())
        .filter(|i| tfs[*i] > 0 && share[clauses[*i].query.chunk] > 0.0)
        .filter(|i| !clauses[*i].query.literal)
        .map(|i| {
            let tf = tfs[i] as f32;
            let weight = match clauses[i].query.district {
                Some(d) if !tagged.contains(&d) => NOT_THE_DISTRICT,
                _ => 1.0,
            };
            weight * idfs[i] * (tf * (K1 + 1.0) / (tf + norm) + bonus[i])
        })
        .sum()
}

/// Every passage holding at least one clause, by passage id, with its count of each
/// clause. Flat (one allocation, not one per passage: a common word matches hundreds of
/// thousands of passages).
struct ClauseCounts {
    passages: Vec<u32>,
    /// The counts of passage i are `tfs[i * width..(i + 1) * width]`.
    tfs: Vec<u32>,
    width: usize,
}

impl ClauseCounts {
    fn tfs(&self, i: usize) -> &[u32] {
        &self.tfs[i * self.width..(i + 1) * self.width]
    }
}

fn clause_counts(clauses: &[Clause]) -> ClauseCounts {
    let mut entries: Vec<(u32, usize, u32)> = clauses
        .iter()
        .enumerate()
        .flat_map(|(i, c)| c.postings.iter().map(move |p| (p.passage, i, p.tf)))
        .collect();
    entries.sort_unstable();
    let width = clauses.len();
    let mut counts = ClauseCounts {
        passages: Vec::new(),
        tfs: Vec::new(),
        width,
    };
    for (passage, clause, tf) in entries {
        if counts.passages.last() != Some(&passage) {
            counts.passages.push(passage);
            counts.tfs.resize(counts.tfs.len() + width, 0);
        }
        let row = counts.tfs.len() - width;
        counts.tfs[row + clause] = tf;
    }
    counts
}

/// The runs of passage `ids` (in id order, hence grouped by document) that share a document.
fn doc_runs(src: &impl SearchSource, ids: impl Iterator<Item = u32>) -> Vec<(DocId, Range<usize>)> {
    let mut runs: Vec<(DocId, Range<usize>)> = Vec::new();
    for (i, id) in ids.enumerate() {
        let doc = src.doc_of(id);
        match runs.last_mut() {
            Some((last, run)) if *last == doc => run.end = i + 1,
            _ => runs.push((doc, i..i + 1)),
        }
    }
    runs
}

/// How a document ranks by relevance: documents with a passage holding the whole query
/// (`长安汽车` as typed, not 长安 and 汽车 apart) first, then by their best passage's score,
/// a little more for more matching passages.
struct DocScore {
    whole: bool,
    value: f32,
}

impl DocScore {
    fn of(passages: &[(u32, Score)]) -> DocScore {
        let best = passages.iter().map(|(_, s)| s.value).fold(0.0f32, f32::max);
        DocScore {
            whole: passages.iter().any(|(_, s)| s.whole),
            value: best * (1.0 + 0.1 * (passages.len() as f32).ln()),
        }
    }
}

/// One ranked document: its id, its score and its matching `(passage, score)`, whole
/// passages first, then best first.
pub(crate) type RankedGroup = (DocId, f32, Vec<(u32, Score)>);

/// A search before snippets: the page's documents with their matching passages, ranked.
pub(crate) struct Ranked {
    /// Matching passages after filters.
    pub(crate) total: usize,
    /// Their documents.
    pub(crate) total_docs: usize,
    /// The page: documents, each with `(passage, score)` best first.
    pub(crate) groups: Vec<RankedGroup>,
    pub(crate) facets: FacetCounts,
    pub(crate) filters: Filters,
    pub(crate) notices: Vec<String>,
    pub(crate) timeline: Vec<(Date, u32)>,
    pub(crate) undated: u32,
}

/// Match, filter, count and rank; keep the documents `offset..offset + limit` of the ranking.
/// Facets and the timeline are counted only when `counted`: a site's page asks for its first
/// results without them, then again with them (counting a common word of a big archive
/// was a third of such a search).
pub(crate) fn rank(
    src: &impl SearchSource,
    query: &Query,
    filters: &Filters,
    (offset, limit): (usize, usize),
    counted: bool,
) -> Ranked {
    let mut notices = syntax_notices(query);
    let filters = effective_filters(src, query, filters, &mut notices);
    if nothing_searchable(query) {
        notices.push(
            "查询里没有可检索的文字（标点和表情符号不参与检索）：请输入汉字、字母或数字；现在显示的是全部段落".to_string(),
        );
    }
    let scored = src.scored_matches(query);
    notices.extend(scored.notices.iter().cloned());
    let matched = &scored.passages;
    let dated = in_date_range(src, matched, &filters);
    let (facets, kept) = match counted {
        true => count_and_filter(src.facet_sizes(), |p| src.labels(p), &dated, &filters),
        false => (
            FacetCounts::zero(src.facet_sizes()),
            only_in_facets(src, dated, &filters),
        ),
    };
    let (timeline, undated) = if !counted {
        (Vec::new(), 0)
    } else if filters.dates.is_all() {
        timeline(src, &kept)
    } else {
        let in_facets = |p: &&(u32, Score)| in_facets(src.labels(p.0), &filters);
        let any_date: Vec<(u32, Score)> = matched.iter().filter(in_facets).copied().collect();
        timeline(src, &any_date)
    };

    // One pass over the kept passages (in id order, hence grouped by document) gives
    // each document its score and its slice of `kept`; no per-document allocation.
    let mut groups: Vec<(DocId, DocScore, Range<usize>)> =
        doc_runs(src, kept.iter().map(|(p, _)| *p))
            .into_iter()
            .map(|(doc, run)| (doc, DocScore::of(&kept[run.clone()]), run))
            .collect();
    let total_docs = groups.len();
    // By relevance, dates do not order: not looked up (twice per comparison).
    let date = |doc: DocId| match filters.sort {
        SortOrder::Relevance => None,
        _ => src.doc_date(doc),
    };
    let by_rank = |a: &(DocId, DocScore, Range<usize>), b: &(DocId, DocScore, Range<usize>)| {
        date_order(filters.sort, date(a.0), date(b.0))
            .then(b.1.whole.cmp(&a.1.whole))
            .then(b.1.value.total_cmp(&a.1.value))
            .then(a.0.cmp(&b.0))
    };
    // Only the best `offset + limit` need ordering: select them first, then sort those.
    let wanted = offset.saturating_add(limit);
    if wanted < groups.len() {
        groups.select_nth_unstable_by(wanted, by_rank);
        groups.truncate(wanted);
    }
    groups.sort_by(by_rank);
    let groups = groups
        .into_iter()
        .skip(offset)
        .map(|(doc, score, range)| {
            let mut list = kept[range].to_vec();
            list.sort_by(|a, b| Score::order(&a.1, &b.1).then(a.0.cmp(&b.0)));
            (doc, score.value, list)
        })
        .collect();
    Ranked {
        total: kept.len(),
        total_docs,
        groups,
        facets,
        filters,
        notices,
        timeline,
        undated,
    }
}

/// The matches whose labels the filters keep (all of them without a label filter).
fn only_in_facets(
    src: &impl SearchSource,
    matched: std::borrow::Cow<'_, [(u32, Score)]>,
    filters: &Filters,
) -> Vec<(u32, Score)> {
    if filters.districts.is_empty() && filters.topics.is_empty() {
        return matched.into_owned();
    }
    let inside = |p: &&(u32, Score)| in_facets(src.labels(p.0), filters);
    matched.iter().filter(inside).copied().collect()
}

/// The matches of documents inside the date range (all of them, borrowed, without one).
fn in_date_range<'m>(
    src: &impl SearchSource,
    matched: &'m [(u32, Score)],
    filters: &Filters,
) -> std::borrow::Cow<'m, [(u32, Score)]> {
    if filters.dates.is_all() {
        return matched.into();
    }
    let inside = |p: &&(u32, Score)| filters.dates.contains(src.doc_date(src.doc_of(p.0)));
    matched.iter().filter(inside).copied().collect()
}

/// How two documents' dates order them: equal by relevance; by date otherwise, with
/// undated documents last in either direction.
fn date_order(sort: SortOrder, a: Option<Date>, b: Option<Date>) -> Ordering {
    match (sort, a, b) {
        (SortOrder::Relevance, _, _) => Ordering::Equal,
        (SortOrder::Newest, Some(a), Some(b)) => b.cmp(&a),
        (SortOrder::Oldest, Some(a), Some(b)) => a.cmp(&b),
        _ => b.is_some().cmp(&a.is_some()),
    }
}

/// Documents per date among `passages` (by passage id, hence grouped by document), and the
/// number without a date. Counted in a hash map, sorted once at the end: a common word of
/// a big archive has tens of thousands of documents over a few hundred dates.
fn timeline<T>(src: &impl SearchSource, passages: &[(u32, T)]) -> (Vec<(Date, u32)>, u32) {
    let mut by_date: rustc_hash::FxHashMap<Date, u32> = Default::default();
    let mut undated = 0;
    for (doc, _) in doc_runs(src, passages.iter().map(|(p, _)| *p)) {
        match src.doc_date(doc) {
            Some(date) => *by_date.entry(date).or_default() += 1,
            None => undated += 1,
        }
    }
    // Sorted as numbers in date order: the wasm has a sort of `u32`s already, and one of
    // `(Date, u32)` pairs was 18 KB of it.
    let mut keys: Vec<u32> = by_date.keys().map(|d| d.ordinal()).collect();
    keys.sort_unstable();
    let dates = keys
        .into_iter()
        .filter_map(|key| {
            let date = Date::of_ordinal(key);
            Some((date, *by_date.get(&date)?))
        })
        .collect();
    (dates, undated)
}

/// Add snippets to a ranking, for the first `per_document` matching passages of each
/// document of the page: the only step that reads passage text. A snippet is at most
/// `width` characters (`usize::MAX`: the whole passage).
pub(crate) fn with_snippets(
    src: &impl SearchSource,
    query: &Query,
    ranked: Ranked,
    (per_document, width): (usize, usize),
) -> SearchResults {
    let needles = highlight_needles(src, query);
    let mut budget = HIGHLIGHT_BUDGET;
    let groups = ranked
        .groups
        .into_iter()
        .map(|(doc, score, list)| DocGroup {
            doc,
            score,
            matching: list.len(),
            hits: list
                .into_iter()
                .take(per_document)
                .map(|(p, score)| {
                    let text = src.passage_text(p);
                    hit(text, p, score, (&needles, width), &mut budget)
                })
                .collect(),
        })
        .collect();
    SearchResults {
        total: ranked.total,
        total_docs: ranked.total_docs,
        groups,
        facets: ranked.facets,
        filters: ranked.filters,
        notices: ranked.notices,
        timeline: ranked.timeline,
        undated: ranked.undated,
    }
}

/// A hit with its snippet (`width` characters), highlighted while `budget` (bytes of
/// text) lasts.
fn hit(
    text: &str,
    passage: u32,
    score: Score,
    (needles, width): (&[String], usize),
    budget: &mut usize,
) -> Hit {
    let highlights = if *budget > 0 {
        let prefix = &text[..text.floor_char_boundary(HIGHLIGHT_PREFIX)];
        *budget = budget.saturating_sub(prefix.len());
        highlight_ranges(prefix, needles)
    } else {
        Vec::new()
    };
    Hit {
        passage: PassageId(passage),
        score: score.value,
        whole: score.whole,
        snippet: Snippet::new(text, highlights, width),
    }
}

/// The query's clauses (every alternative) as unit strings: what gets highlighted. A
/// chunk's literal clause is left out: its words are there.
pub(crate) fn highlight_needles(src: &impl SearchSource, query: &Query) -> Vec<String> {
    query_clauses(src.vocabulary(), src.district_names(), query)
        .iter()
        .filter(|c| !c.literal)
        .flat_map(|c| &c.alternatives)
        .map(|c| unit_string(c))
        .collect()
}

/// A corpus with its index and vocabulary: the thing you search.
pub struct Searcher {
    corpus: Corpus,
    index: Index,
    vocabulary: Vocabulary,
    /// Each document's date, read once from its text form.
    dates: Vec<Option<Date>>,
}

impl SearchSource for Searcher {
    fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }
    fn district_by_name(&self, name: &str) -> Option<DistrictId> {
        self.corpus.district_by_name(name)
    }
    fn district_names(&self) -> DistrictNames<'_> {
        DistrictNames {
            districts: &self.corpus.districts,
            aliases: &self.corpus.district_aliases,
        }
    }
    fn topic_by_name(&self, name: &str) -> Option<TopicId> {
        self.corpus.topic_by_name(name)
    }
    fn facet_sizes(&self) -> (usize, usize) {
        (self.corpus.districts.len(), self.corpus.topics.len())
    }
    fn passage_count(&self) -> usize {
        self.index.passage_count()
    }
    fn average_length(&self) -> f32 {
        self.index.average_length()
    }
    fn matches(&self, units: &[Unit]) -> Vec<Posting> {
        self.index.matches(units)
    }
    fn length(&self, passage: u32) -> u32 {
        self.index.length(passage)
    }
    fn doc_of(&self, passage: u32) -> DocId {
        self.corpus
            .passages
            .get(passage as usize)
            .map_or(DocId(0), |p| p.doc)
    }
    fn labels(&self, passage: u32) -> (&[DistrictId], &[TopicId]) {
        self.corpus
            .passages
            .get(passage as usize)
            .map_or((&[], &[]), |p| (&p.districts, &p.topics))
    }
    fn title_contains(&self, doc: DocId, needle: &str) -> bool {
        self.index.title_string(doc.0).contains(needle)
    }
    fn doc_date(&self, doc: DocId) -> Option<Date> {
        self.dates.get(doc.0 as usize).copied().flatten()
    }
    fn passage_text(&self, passage: u32) -> &str {
        self.corpus.passage_text(PassageId(passage))
    }
}

impl Searcher {
    /// Index a corpus for searching.
    pub fn new(corpus: Corpus) -> Self {
        let (corpus, index) = IndexBuilder::new(corpus).finish();
        Searcher::with_index(corpus, index)
    }

    /// A searcher over `corpus` and its index (see `SearcherLoader`, which builds it a slice
    /// at a time).
    pub(crate) fn with_index(corpus: Corpus, index: Index) -> Self {
        let vocabulary = Vocabulary::new(&corpus.vocabulary);
        let dates = corpus
            .docs
            .iter()
            .map(|d| d.date.as_deref().and_then(Date::parse_loose))
            .collect();
        Searcher {
            corpus,
            index,
            vocabulary,
            dates,
        }
    }

    /// The corpus being searched.
    pub fn corpus(&self) -> &Corpus {
        &self.corpus
    }

    /// The query's clauses as text, as the engine understood them (for "searched for …").
    pub fn analyzed_terms(&self, query: &Query) -> Vec<String> {
        highlight_needles(self, query)
    }

    /// Every passage matching the query's words, phrases and exclusions (filters ignored),
    /// in corpus order: the match set without ranking or snippets.
    pub fn matching_passages(&self, query: &Query) -> Vec<PassageId> {
        match_set(self, query)
            .passages
            .into_iter()
            .map(|(p, _)| PassageId(p))
            .collect()
    }

    /// Run a query. `max_docs` bounds the number of document groups returned (totals and
    /// facets always cover everything).
    pub fn search(&self, query: &Query, filters: &Filters, max_docs: usize) -> SearchResults {
        self.search_page(query, filters, 0, max_docs)
    }

    /// Run a query and return the documents `offset..offset + limit` of the ranking (the
    /// page a "load more" asks for); totals and facets cover everything.
    pub fn search_page(
        &self,
        query: &Query,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> SearchResults {
        let ranked = rank(self, query, filters, (offset, limit), true);
        with_snippets(self, query, ranked, (usize::MAX, SNIPPET_CHARS))
    }

    /// [`Searcher::search`] with each hit's whole passage as its snippet (an export).
    pub fn search_whole_passages(
        &self,
        query: &Query,
        filters: &Filters,
        max_docs: usize,
    ) -> SearchResults {
        let ranked = rank(self, query, filters, (0, max_docs), true);
        with_snippets(self, query, ranked, (usize::MAX, usize::MAX))
    }

    /// Byte ranges of the query's matches in any text (a passage or a title), for readers.
    pub fn highlights(&self, text: &str, query: &Query) -> Vec<Range<usize>> {
        highlight_ranges(text, &highlight_needles(self, query))
    }
}

/// Where the clauses (as unit strings) occur in `text`, as merged byte ranges of `text`.
pub(crate) fn highlight_ranges(text: &str, needles: &[String]) -> Vec<Range<usize>> {
    if needles.is_empty() {
        return Vec::new();
    }
    let us = UnitString::new(text);
    let ranges = needles
        .iter()
        .flat_map(|n| crate::text::find_all(&us.string, n))
        .filter_map(|r| us.to_original(r))
        .collect();
    merge(ranges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::corpus_of;

    fn searcher() -> Searcher {
        let mut corpus = corpus_of(&[
            &["北碚区科技创新走在前列。", "缙云山生态保护。"],
            &["渝北区科技产业发展迅速，科技创新。", "交通建设。"],
        ]);
        corpus.docs[1].title = "渝北科技创新".into();
        corpus.vocabulary = vec![
            ("科技".into(), 5),
            ("创新".into(), 5),
            ("科技创新".into(), 3),
        ];
        Searcher::new(corpus)
    }

    fn passages(r: &SearchResults) -> Vec<u32> {
        r.groups
            .iter()
            .flat_map(|g| g.hits.iter().map(|h| h.passage.0))
            .collect()
    }

    #[test]
    fn a_district_name_finds_every_name_of_its_district() {
        let mut corpus = corpus_of(&[
            &["开县旧城的老街。"],
            &["开州新城建设。"],
            &["开州区政府发布通知。"],
            &["北碚的缙云山。", "北碚区政府。", "碚城。"],
        ]);
        corpus.districts = vec!["开州".into(), "北碚".into()];
        corpus.district_aliases = vec![
            ("开州区".into(), DistrictId(0)),
            ("开县".into(), DistrictId(0)),
            ("北碚区".into(), DistrictId(1)),
        ];
        let s = Searcher::new(corpus);
        let run = |q: &str| passages(&s.search(&Query::parse(q).unwrap(), &Filters::default(), 10));
        let kaizhou = run("开州");
        assert_eq!(kaizhou.len(), 3, "开县, 开州 and 开州区 passages");
        assert_eq!(run("开县"), kaizhou);
        assert_eq!(run("开州区"), kaizhou);
        let beibei = run("北碚");
        assert_eq!(beibei.len(), 2);
        assert_eq!(run("北碚区"), beibei);
        assert_eq!(run("\"北碚区\"").len(), 1, "a quoted phrase stays exact");
        let r = s.search(&Query::parse("开县").unwrap(), &Filters::default(), 10);
        let marked: Vec<String> = r
            .hits()
            .flat_map(|h| {
                h.snippet
                    .pieces()
                    .into_iter()
                    .filter(|p| p.1)
                    .map(|p| p.0.to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        assert!(marked.contains(&"开州".to_string()) && marked.contains(&"开县".to_string()));
    }

    #[test]
    fn a_district_name_ranks_passages_tagged_with_the_district_first() {
        // The annotation tags passage 0 with 渝中; passage 1 holds 渝中 twice, but inside
        // 成渝中线, so it is not tagged, and ranks below though its BM25 alone is higher.
        let mut corpus = corpus_of(&[
            &["渝中区的解放碑步行街人气旺。"],
            &["成渝中线建设，成渝中线通车。"],
        ]);
        corpus.districts = vec!["渝中".into()];
        corpus.district_aliases = vec![("渝中区".into(), DistrictId(0))];
        corpus.passages[0].districts = vec![DistrictId(0)];
        let s = Searcher::new(corpus);
        let run = |q: &str| passages(&s.search(&Query::parse(q).unwrap(), &Filters::default(), 10));
        assert_eq!(
            run("渝中"),
            [0, 1],
            "every substring still matches, the district first"
        );
        assert_eq!(run("渝中区"), [0, 1]);
        // Untagged, passage 1 would win on its two occurrences: the tags decided the order.
        let mut untagged = s.corpus().clone();
        untagged.passages[0].districts.clear();
        let s = Searcher::new(untagged);
        let order = passages(&s.search(&Query::parse("渝中").unwrap(), &Filters::default(), 10));
        assert_eq!(order, [1, 0]);
    }

    #[test]
    fn and_phrase_exclude() {
        let s = searcher();
        let run = |q: &str| passages(&s.search(&Query::parse(q).unwrap(), &Filters::default(), 10));
        assert_eq!(
            run("科技创新"),
            vec![2, 0],
            "title boost puts document 1 first"
        );
        let mut both = run("科技 缙云山");
        both.sort();
        assert_eq!(
            both,
            vec![0, 1],
            "one document holds both words, in two passages"
        );
        assert_eq!(
            run("交通 缙云山"),
            Vec::<u32>::new(),
            "no document holds both"
        );
        assert_eq!(run("科技创新 -渝北"), vec![0]);
        assert_eq!(
            run("缙云山 -科技"),
            Vec::<u32>::new(),
            "the document of 缙云山 has 科技 in another passage"
        );
        assert_eq!(run("交通 -缙云山"), vec![3]);
        assert_eq!(run("\"产业发展\""), vec![2]);
        assert_eq!(run(""), vec![0, 1, 2, 3]);
        assert_eq!(run("，，"), vec![0, 1, 2, 3]);
        assert_eq!(run("不存在的词"), Vec::<u32>::new());
    }

    #[test]
    fn words_of_a_query_are_anded_per_document_and_passages_with_more_come_first() {
        let corpus = corpus_of(&[
            &["重庆新闻。", "重庆的高铁建设。", "高铁通车。"],
            &["重庆天气。"],
        ]);
        let s = Searcher::new(corpus);
        let r = s.search(&Query::parse("重庆 高铁").unwrap(), &Filters::default(), 10);
        assert_eq!(r.total_docs, 1, "the second document has no 高铁");
        assert_eq!(r.total, 3);
        assert_eq!(passages(&r)[0], 1, "the passage with both words first");
        let one = s.search(&Query::parse("重庆").unwrap(), &Filters::default(), 10);
        assert_eq!(one.total, 3, "one word: every passage holding it");
    }

    #[test]
    fn the_words_of_one_typed_chunk_meet_in_one_passage() {
        let mut corpus = corpus_of(&[
            &["低空经济发展迅速。", "经济运行平稳。", "低空飞行表演。"],
            &["低空飞行表演。", "数字经济。", "经济数据。", "经济指标。"],
            &["低空飞行。"],
        ]);
        corpus.vocabulary = vec![("低空".into(), 5), ("经济".into(), 9)];
        let s = Searcher::new(corpus);
        let run = |q: &str| passages(&s.search(&Query::parse(q).unwrap(), &Filters::default(), 10));
        assert_eq!(
            run("低空经济"),
            [0, 2, 3],
            "both words in one passage first, then the specific 低空 alone in documents with \
             经济 too; 经济 alone is not it, nor a document without 经济"
        );
        let mut two = run("低空 经济");
        assert_eq!(two[0], 0, "the passage with both words first");
        two.sort_unstable();
        assert_eq!(
            two,
            [0, 1, 2, 3, 4, 5, 6],
            "two chunks: both somewhere in the document"
        );
        assert_eq!(
            run("低空经济 ，"),
            run("低空经济"),
            "a chunk of punctuation adds nothing"
        );
    }

    #[test]
    fn words_run_together_that_never_meet_are_said_so() {
        let mut corpus = corpus_of(&[&["低空飞行表演。", "数字经济。"], &["低空经济发展。"]]);
        corpus.vocabulary = vec![("低空".into(), 5), ("经济".into(), 9), ("数字".into(), 9)];
        let s = Searcher::new(corpus);
        let notices = |q: &str| {
            s.search(&Query::parse(q).unwrap(), &Filters::default(), 10)
                .notices
        };
        assert_eq!(
            notices("低空经济"),
            Vec::<String>::new(),
            "they meet in one passage"
        );
        let apart = notices("数字低空");
        assert_eq!(apart.len(), 1, "{apart:?}");
        assert!(
            apart[0].contains("“数字低空”")
                && apart[0].contains("“数字”")
                && apart[0].contains("数字 低空"),
            "names the chunk, the word it was listed by and the query with a space: {}",
            apart[0]
        );
        assert_eq!(
            notices("数字 低空"),
            Vec::<String>::new(),
            "with a space: two words"
        );
        assert_eq!(
            notices("表演火锅"),
            Vec::<String>::new(),
            "nothing matches: nothing to explain"
        );
    }

    #[test]
    fn syntax_of_other_engines_is_said_so() {
        let notices = |q: &str| syntax_notices(&Query::parse(q).unwrap());
        let label = notices("重庆 -district:北碚 -主题：交通 -北碚");
        assert_eq!(label.len(), 2, "{label:?}");
        assert!(
            label[0].contains("“-district:北碚”") && label[1].contains("“-主题:交通”"),
            "{label:?}"
        );
        let or = notices("重庆 OR 北碚");
        assert_eq!(or.len(), 1, "{or:?}");
        assert!(or[0].starts_with("“OR”不是运算符"), "{or:?}");
        assert_eq!(
            notices("AND"),
            Vec::<String>::new(),
            "alone it is a word to look for"
        );
        assert_eq!(
            notices("重庆 Or 北碚"),
            Vec::<String>::new(),
            "mixed case: a word"
        );
        assert_eq!(notices("重庆 -北碚"), Vec::<String>::new());
    }

    #[test]
    fn passages_holding_the_whole_query_come_first_and_are_the_ones_shown() {
        let mut corpus = corpus_of(&[
            // Both chunks in passage 2 only; passage 0 scores higher with 旅游 twice.
            &["旅游旅游旅游。", "北碚天气。", "北碚旅游。"],
            // The words of 低空经济 apart (3) and as typed (5).
            &["低空飞行，数字经济。", "交通。", "低空经济。"],
            // 北碚 and 旅游 only in different passages.
            &["北碚新闻。", "旅游新闻。"],
        ]);
        corpus.vocabulary = vec![("低空".into(), 5), ("经济".into(), 9)];
        let s = Searcher::new(corpus);
        let run = |q: &str| s.search(&Query::parse(q).unwrap(), &Filters::default(), 10);
        let wholes = |r: &SearchResults| -> Vec<(u32, bool)> {
            r.groups
                .iter()
                .flat_map(|g| g.hits.iter().map(|h| (h.passage.0, h.whole)))
                .collect()
        };

        let both = run("北碚 旅游");
        let first = both.groups.iter().find(|g| g.doc.0 == 0).unwrap();
        assert_eq!(
            first.hits[0].passage.0, 2,
            "the passage with both chunks first"
        );
        assert!(first.hits[0].whole && !first.hits[1].whole);
        assert_eq!(first.first_shown(2), 1, "the others wait behind 还有 N 段");
        let apart = both.groups.iter().find(|g| g.doc.0 == 2).unwrap();
        assert!(apart.hits.iter().all(|h| !h.whole));
        assert_eq!(apart.first_shown(2), 2, "no whole passage: the best ones");

        let typed = run("低空经济");
        assert_eq!(
            wholes(&typed)
                .into_iter()
                .filter(|(p, _)| *p == 3 || *p == 5)
                .collect::<Vec<_>>(),
            [(5, true), (3, false)],
            "the chunk as typed is whole, its words apart are not"
        );
        assert!(
            run("")
                .groups
                .iter()
                .all(|g| g.hits.iter().all(|h| h.whole)),
            "a filter-only view shows every passage as before"
        );
        assert_eq!(run("低空经济").total, 2, "the typed form adds no match");
    }

    #[test]
    fn documents_holding_the_whole_query_rank_first() {
        let mut corpus = corpus_of(&[
            // 长安 and 汽车 apart, often, and in the title: the higher score.
            &["长安科技推动汽车产业，长安的汽车，汽车。"],
            &["长安汽车发布新车。"],
        ]);
        corpus.docs[0].title = "长安科技：汽车".into();
        corpus.vocabulary = vec![("长安".into(), 5), ("汽车".into(), 9)];
        let s = Searcher::new(corpus);
        let r = s.search(&Query::parse("长安汽车").unwrap(), &Filters::default(), 10);
        let docs: Vec<u32> = r.groups.iter().map(|g| g.doc.0).collect();
        assert_eq!(docs, [1, 0], "长安汽车 as typed before its words apart");
        assert!(r.groups[1].score > r.groups[0].score, "whatever the scores");
    }

    #[test]
    fn snippets_highlight_matches() {
        let s = searcher();
        let r = s.search(&Query::parse("科技创新").unwrap(), &Filters::default(), 10);
        let hit = &r.groups[1].hits[0];
        assert_eq!(hit.snippet.text, "北碚区科技创新走在前列。");
        assert_eq!(hit.snippet.char_highlights(), vec![[3, 7]]);
    }

    #[test]
    fn a_two_million_character_passage_is_searched_in_bounded_work() {
        // A bundle built before passages were capped: one passage of 2 M characters with a
        // match every 20 characters. Highlighting used to scan every unit per match.
        let clause = "北碚区缙云山自然保护区生态修复，成效明显，";
        let huge = clause.repeat(2_000_000 / clause.chars().count());
        let s = Searcher::new(corpus_of(&[&[huge.as_str()]]));
        let r = s.search(&Query::parse("缙云山").unwrap(), &Filters::default(), 10);
        assert_eq!(r.total, 1);
        let snippet = &r.groups[0].hits[0].snippet;
        assert_eq!(
            snippet
                .pieces()
                .iter()
                .filter(|(_, marked)| *marked)
                .count(),
            6
        );
        assert!(snippet.text.chars().count() <= SNIPPET_CHARS + 1);
    }

    #[test]
    fn whole_passages_are_the_passages_texts_with_the_same_hits() {
        let long = "北碚区缙云山自然保护区生态修复成效明显。".repeat(30);
        let s = Searcher::new(corpus_of(&[&[long.as_str(), "缙云山"], &["重庆缙云山"]]));
        let (q, f) = (Query::parse("缙云山").unwrap(), Filters::default());
        let (snippets, whole) = (s.search(&q, &f, 10), s.search_whole_passages(&q, &f, 10));
        let hits = |r: &SearchResults| -> Vec<PassageId> {
            r.groups
                .iter()
                .flat_map(|g| g.hits.iter().map(|h| h.passage))
                .collect()
        };
        assert_eq!(hits(&whole), hits(&snippets));
        for hit in whole.groups.iter().flat_map(|g| &g.hits) {
            assert_eq!(hit.snippet.text, s.corpus().passage_text(hit.passage));
        }
        let mut all = snippets.groups.iter().flat_map(|g| &g.hits);
        let cut = all.find(|h| s.corpus().passage_text(h.passage) == long);
        let cut = &cut.expect("the long passage matches").snippet.text;
        assert!(
            cut.chars().count() <= SNIPPET_CHARS + 1,
            "a search's snippet is cut"
        );
    }

    #[test]
    fn highlighting_stops_at_the_budget() {
        let passage = "北碚区缙云山自然保护区生态修复成效明显。".repeat(40);
        let passages: Vec<&str> = vec![passage.as_str(); 2 * HIGHLIGHT_BUDGET / passage.len()];
        let s = Searcher::new(corpus_of(&[&passages]));
        let r = s.search(&Query::parse("缙云山").unwrap(), &Filters::default(), 10);
        assert_eq!(r.total, passages.len());
        let highlighted = r
            .hits()
            .filter(|h| !h.snippet.highlights.is_empty())
            .count();
        assert!(highlighted > 0 && highlighted <= HIGHLIGHT_BUDGET / passage.len() + 1);
        let first_unmarked = r.hits().position(|h| h.snippet.highlights.is_empty());
        assert_eq!(
            first_unmarked,
            Some(highlighted),
            "the best hits are the highlighted ones"
        );
    }

    #[test]
    fn a_query_of_punctuation_or_emoji_matches_all_with_a_notice() {
        let s = searcher();
        for q in ["😀", "。，！", "\"？？\"", "-", "\"", "- \"\""] {
            let r = s.search(&Query::parse(q).unwrap(), &Filters::default(), 10);
            assert_eq!(r.total, 4, "{q}");
            assert_eq!(r.notices.len(), 1, "{q}: {:?}", r.notices);
        }
        for q in ["科技", "😀科技", "", "科技 -"] {
            let r = s.search(&Query::parse(q).unwrap(), &Filters::default(), 10);
            assert!(r.notices.is_empty(), "{q}: {:?}", r.notices);
        }
    }

    #[test]
    fn unknown_inline_filter_is_a_notice() {
        let s = searcher();
        let r = s.search(
            &Query::parse("district:火星").unwrap(),
            &Filters::default(),
            10,
        );
        assert_eq!(r.notices.len(), 1);
        assert_eq!(r.total, 4);
    }

    #[test]
    fn dates_sort_filter_and_make_a_timeline() {
        let mut corpus = corpus_of(&[
            &["缙云山一。"],
            &["缙云山二。"],
            &["缙云山三。", "缙云山三又。"],
            &["缙云山四。"],
        ]);
        for (doc, date) in corpus.docs.iter_mut().zip([
            Some("2026-04-01"),
            None,
            Some("2026-05"),
            Some("2025-12-31"),
        ]) {
            doc.date = date.map(str::to_string);
        }
        let s = Searcher::new(corpus);
        let query = Query::parse("缙云山").unwrap();
        let docs = |filters: &Filters| -> Vec<u32> {
            let r = s.search(&query, filters, 10);
            r.groups.iter().map(|g| g.doc.0).collect()
        };
        let sorted = |sort| Filters {
            sort,
            ..Filters::default()
        };
        assert_eq!(docs(&sorted(SortOrder::Newest)), [2, 0, 3, 1]);
        assert_eq!(docs(&sorted(SortOrder::Oldest)), [3, 0, 2, 1]);

        let april_on = Filters {
            dates: crate::DateRange {
                from: Date::parse("2026-04-15"),
                to: None,
            },
            ..Filters::default()
        };
        let r = s.search(&query, &april_on, 10);
        assert_eq!(r.groups.iter().map(|g| g.doc.0).collect::<Vec<_>>(), [2]);
        assert_eq!(r.total, 2, "both passages of the May document");
        let day = |s: &str| Date::parse(s).unwrap();
        assert_eq!(
            (r.timeline, r.undated),
            (
                vec![
                    (day("2025-12-31"), 1),
                    (day("2026-04-01"), 1),
                    (day("2026-05"), 1)
                ],
                1
            ),
            "the timeline ignores the date filter"
        );
    }
}
