//! The app's one reducer: what the user asked for (the view), whether the corpus is there,
//! and which hit has the keyboard focus. Everything shown is derived from this plus the
//! corpus (see `app.rs`); nothing derived is stored here.
//!
//! The reducer is pure: it never touches the DOM, history or storage. How a change reaches
//! the URL is recorded in [`AppState::write`] and carried out by `use_hash_route`.

use std::rc::Rc;

use quxian_core::{DateRange, DistrictId, Searcher, SortOrder, TopicId, ViewState};
use yew::prelude::*;

/// The loaded corpus, shared through a context. Equal when it is the same load.
#[derive(Clone)]
pub struct CorpusHandle {
    /// The corpus with its index.
    pub searcher: Rc<Searcher>,
    /// Increases with every successful load; keys every memo derived from the corpus.
    pub generation: u32,
    /// The imported library this corpus is (None: the built-in corpus).
    pub library: Option<String>,
}

impl PartialEq for CorpusHandle {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
            && Rc::ptr_eq(&self.searcher, &other.searcher)
            && self.library == other.library
    }
}

/// Where the corpus is.
#[derive(Clone, PartialEq)]
pub enum LoadStatus {
    /// Fetching the bundle.
    Fetching,
    /// Decoding the bundle and building the index.
    Indexing,
    /// Ready to search.
    Ready(CorpusHandle),
    /// The bundle could not be fetched or decoded; the message says why (in Chinese).
    Failed(AttrValue),
}

/// How the next view change reaches the browser history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HistoryWrite {
    /// The view came from the URL: nothing to write.
    None,
    /// A keystroke: one history entry per typing burst (see `use_hash_route`).
    Typing,
    /// A settled change (filters, documents, a submitted query): a new history entry.
    Push,
    /// A correction of the current entry (unknown names pruned, moving inside a document).
    Replace,
}

/// Everything the app's output depends on, besides the corpus itself.
#[derive(Clone, PartialEq)]
pub struct AppState {
    /// The current view, as in the URL.
    pub view: ViewState,
    /// Notices about the link itself (bad parameters, unknown names), in Chinese.
    pub link_notices: Rc<Vec<String>>,
    /// Load progress, and the corpus once loaded.
    pub load: LoadStatus,
    /// How the last view change should be written to history.
    pub write: HistoryWrite,
    /// Index of the result group with the keyboard focus, if any.
    pub focus: Option<usize>,
    /// Number of corpora loaded so far; the next load's generation is one more, so memos
    /// never mistake a new library for the one before it.
    pub generation: u32,
    /// Result documents listed: a page at first, a page more per 加载更多, back to one page
    /// when the search changes.
    pub listed: usize,
}

/// Result documents per page of the results list.
pub const PAGE_GROUPS: usize = 200;

/// The part of a view that decides the search (not the document being read).
pub fn search_key(view: &ViewState) -> ViewState {
    ViewState {
        doc: None,
        passage: None,
        ..view.clone()
    }
}

/// The built-in corpus, with the query of `view` (its library was deleted).
fn built_in(view: &ViewState) -> ViewState {
    ViewState {
        query: view.query.clone(),
        ..ViewState::default()
    }
}

/// The overview of the library `view` is in (the built-in corpus's when it names none).
pub fn home(view: &ViewState) -> ViewState {
    ViewState {
        library: view.library.clone(),
        ..ViewState::default()
    }
}

impl AppState {
    /// The state for an app opened at `view`, with notices about the link that gave it.
    pub fn new(view: ViewState, notices: Vec<String>) -> Self {
        AppState {
            view,
            link_notices: Rc::new(notices),
            load: LoadStatus::Fetching,
            write: HistoryWrite::None,
            focus: None,
            generation: 0,
            listed: PAGE_GROUPS,
        }
    }

    /// The corpus, once loaded.
    pub fn corpus(&self) -> Option<&CorpusHandle> {
        match &self.load {
            LoadStatus::Ready(handle) => Some(handle),
            _ => None,
        }
    }

    /// The loaded corpus when it is the one the view asks for (`lib=`), else None: while
    /// another library loads, names in the view cannot be checked against it.
    fn current_corpus(&self, view: &ViewState) -> Option<&CorpusHandle> {
        self.corpus().filter(|h| h.library == view.library)
    }
}

/// Everything that can happen.
pub enum Action {
    /// A notice about the link itself (a named corpus that is missing, say).
    LinkNotice(String),
    /// The URL changed (load, back/forward, an edited or followed link).
    Navigate(ViewState, Vec<String>),
    /// The bundle arrived and is being indexed.
    Indexing,
    /// Loading a corpus (another library was chosen).
    Loading,
    /// The corpus is ready: the built-in one (None) or an imported library.
    Loaded(Rc<Searcher>, Option<String>),
    /// Open this library (None: the built-in corpus), keeping the query.
    OpenLibrary(Option<String>),
    /// A library was deleted: if it is open, open the built-in corpus.
    LibraryDeleted(String),
    /// The open library was deleted elsewhere (another tab): the same, with a notice.
    LibraryGone(String),
    /// The link's library is not in this browser: open the built-in corpus with a notice.
    LibraryMissing(String),
    /// Loading failed, with a message for the page.
    LoadFailed(String),
    /// The search box text changed (debounced keystrokes).
    TypeQuery(String),
    /// The query was submitted (Enter).
    SubmitQuery(String),
    /// Select or unselect a district filter.
    ToggleDistrict(DistrictId),
    /// Select or unselect a topic filter.
    ToggleTopic(TopicId),
    /// Show exactly this district and topic (a heat-map cell).
    ShowCell(DistrictId, TopicId),
    /// Keep only documents dated in this range (the default range: every date).
    SetDates(DateRange),
    /// Order the result list.
    SetSort(SortOrder),
    /// Remove every filter (districts, topics and dates).
    ClearFilters,
    /// Back to the overview: no query, no filters, no document.
    Home,
    /// Open a document, optionally at a passage (0-based within the document).
    OpenDoc(String, Option<u32>),
    /// Move to another passage of the open document.
    SelectPassage(u32),
    /// Close the reader, back to the results.
    CloseDoc,
    /// List one more page of result documents (加载更多).
    ShowMore,
    /// Move the keyboard focus by `delta` among `len` result groups.
    MoveFocus(i32, usize),
    /// Drop the keyboard focus.
    ClearFocus,
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Navigate(view, notices) => {
                let mut notices = notices;
                let linked = view.clone();
                next.view = match self.current_corpus(&view) {
                    Some(handle) => prune(&handle.searcher, view, &mut notices),
                    None => view,
                };
                if next.view == self.view && *next.link_notices == notices {
                    return self;
                }
                next.link_notices = Rc::new(notices);
                // The address shows the view: what the link held that could not be used
                // (with its notice) leaves it.
                next.write = if next.view == linked {
                    HistoryWrite::None
                } else {
                    HistoryWrite::Replace
                };
            }
            Action::LinkNotice(notice) => {
                let mut notices = (*self.link_notices).clone();
                notices.push(notice);
                next.link_notices = Rc::new(notices);
            }
            Action::Indexing => next.load = LoadStatus::Indexing,
            Action::Loading => next.load = LoadStatus::Fetching,
            Action::Loaded(searcher, library) => {
                next.generation = self.generation + 1;
                if library == self.view.library {
                    let mut notices = (*self.link_notices).clone();
                    next.view = prune(&searcher, self.view.clone(), &mut notices);
                    next.link_notices = Rc::new(notices);
                }
                next.load = LoadStatus::Ready(CorpusHandle {
                    searcher,
                    generation: next.generation,
                    library,
                });
                next.write = HistoryWrite::Replace;
            }
            Action::OpenLibrary(library) => {
                if library == self.view.library {
                    return self;
                }
                next.view = ViewState {
                    query: self.view.query.clone(),
                    library,
                    ..ViewState::default()
                };
                next.link_notices = Rc::new(Vec::new());
                next.write = HistoryWrite::Push;
            }
            Action::LibraryDeleted(id) | Action::LibraryGone(id)
                if self.view.library.as_deref() != Some(id.as_str()) =>
            {
                return self;
            }
            Action::LibraryDeleted(_) => {
                next.view = built_in(&self.view);
                next.write = HistoryWrite::Push;
            }
            Action::LibraryGone(_) => {
                next.view = built_in(&self.view);
                next.link_notices = Rc::new(vec![
                    "打开的文档库已被删除（也许是在另一个标签页中）；已打开内置语料".to_string(),
                ]);
                next.write = HistoryWrite::Replace;
            }
            Action::LibraryMissing(id) => {
                if self.view.library.as_deref() != Some(id.as_str()) {
                    return self;
                }
                let mut notices = (*self.link_notices).clone();
                notices.push(format!("链接指向本机没有的文档库“{id}”；已打开内置语料"));
                next.link_notices = Rc::new(notices);
                next.view.library = None;
                next.view.doc = None;
                next.view.passage = None;
                next.write = HistoryWrite::Replace;
            }
            Action::LoadFailed(message) => next.load = LoadStatus::Failed(message.into()),
            Action::TypeQuery(q) | Action::SubmitQuery(q)
                if q == self.view.query && self.view.doc.is_none() =>
            {
                return self;
            }
            Action::TypeQuery(q) => {
                next.view.query = q;
                next.view.doc = None;
                next.view.passage = None;
                next.write = HistoryWrite::Typing;
            }
            Action::SubmitQuery(q) => {
                next.view.query = q;
                next.view.doc = None;
                next.view.passage = None;
                next.write = HistoryWrite::Push;
            }
            Action::ToggleDistrict(id) => {
                let Some(h) = self.corpus() else { return self };
                toggle(
                    &mut next.view.districts,
                    h.searcher.corpus().district_name(id),
                );
                next.write = HistoryWrite::Push;
            }
            Action::ToggleTopic(id) => {
                let Some(h) = self.corpus() else { return self };
                toggle(&mut next.view.topics, h.searcher.corpus().topic_name(id));
                next.write = HistoryWrite::Push;
            }
            Action::ShowCell(d, t) => {
                let Some(h) = self.corpus() else { return self };
                let corpus = h.searcher.corpus();
                next.view.districts = vec![corpus.district_name(d).to_string()];
                next.view.topics = vec![corpus.topic_name(t).to_string()];
                next.view.doc = None;
                next.view.passage = None;
                next.write = HistoryWrite::Push;
            }
            Action::SetDates(dates) if dates == self.view.dates => return self,
            Action::SetSort(sort) if sort == self.view.sort => return self,
            Action::SetDates(dates) => {
                // 从 set after 到 (or 到 before 从): the range they span, as a link's is.
                next.view.dates = dates.reversed().unwrap_or(dates);
                next.view.doc = None;
                next.view.passage = None;
                next.write = HistoryWrite::Push;
            }
            Action::SetSort(sort) => {
                next.view.sort = sort;
                next.write = HistoryWrite::Push;
            }
            Action::ClearFilters => {
                next.view.districts.clear();
                next.view.topics.clear();
                next.view.dates = DateRange::default();
                next.write = HistoryWrite::Push;
            }
            Action::Home => {
                next.view = home(&self.view);
                next.write = HistoryWrite::Push;
            }
            Action::OpenDoc(key, passage) => {
                next.view.doc = Some(key);
                next.view.passage = passage;
                next.write = HistoryWrite::Push;
            }
            Action::SelectPassage(p) => {
                if next.view.doc.is_none() {
                    return self;
                }
                next.view.passage = Some(p);
                next.write = HistoryWrite::Replace;
            }
            Action::CloseDoc => {
                next.view.doc = None;
                next.view.passage = None;
                next.write = HistoryWrite::Push;
            }
            Action::MoveFocus(delta, len) => {
                if len == 0 {
                    return self;
                }
                let last = len as i64 - 1;
                let at = match self.focus {
                    None if delta >= 0 => 0,
                    None => last,
                    Some(i) => (i as i64 + delta as i64).clamp(0, last),
                };
                next.focus = Some(at as usize);
                return Rc::new(next);
            }
            Action::ClearFocus => {
                if self.focus.is_none() {
                    return self;
                }
                next.focus = None;
                return Rc::new(next);
            }
            Action::ShowMore => {
                next.listed = self.listed.saturating_add(PAGE_GROUPS);
                return Rc::new(next);
            }
        }
        if next.view != self.view {
            next.focus = None;
        }
        if search_key(&next.view) != search_key(&self.view) {
            next.listed = PAGE_GROUPS;
        }
        Rc::new(next)
    }
}

/// Add `name` to `list`, or remove it when present.
fn toggle(list: &mut Vec<String>, name: &str) {
    if name.is_empty() {
        return;
    }
    match list.iter().position(|n| n == name) {
        Some(i) => {
            list.remove(i);
        }
        None => list.push(name.to_string()),
    }
}

/// Resolve the view's filter names against the corpus: aliases become display names,
/// unknown names are dropped with a notice, and so is an unknown document.
fn prune(searcher: &Searcher, mut view: ViewState, notices: &mut Vec<String>) -> ViewState {
    let corpus = searcher.corpus();
    let mut districts = Vec::new();
    for name in &view.districts {
        match corpus.district_by_name(name) {
            Some(id) => push_unique(&mut districts, corpus.district_name(id)),
            None => notices.push(format!(
                "链接中的区县“{name}”不在当前语料的区县表中（可能已被删除或改名），已忽略"
            )),
        }
    }
    let mut topics = Vec::new();
    for name in &view.topics {
        match corpus.topic_by_name(name) {
            Some(id) => push_unique(&mut topics, corpus.topic_name(id)),
            None => notices.push(format!(
                "链接中的主题“{name}”不在当前语料的主题表中（可能已被删除或改名），已忽略"
            )),
        }
    }
    view.districts = districts;
    view.topics = topics;
    if let Some(key) = &view.doc {
        match corpus.doc_by_key(key).and_then(|id| corpus.doc(id)) {
            None => {
                notices.push(format!("链接中的文档“{key}”不在语料中，已显示搜索结果"));
                view.doc = None;
                view.passage = None;
            }
            Some(doc) => {
                let count = doc.passages.end.saturating_sub(doc.passages.start);
                if view.passage.is_some_and(|p| p >= count) {
                    notices.push(format!("该文档只有 {count} 段，已忽略链接中的段落编号"));
                    view.passage = None;
                }
            }
        }
    }
    view
}

fn push_unique(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    //! The reducer natively: links read into a view, names checked against the corpus,
    //! history writes and focus. No browser needed (the reducer never touches the DOM).
    use super::*;
    use quxian_core::{Corpus, DocId, Document, Passage};

    /// Two districts (北碚 with the alias 北碚区, 渝北), one topic, one document of three
    /// passages keyed `doc0`.
    fn searcher() -> Rc<Searcher> {
        let text = "北碚区缙云山。\n渝北区仙桃数据谷。\n科技创新。";
        let mut corpus = Corpus::empty();
        corpus.districts = vec!["北碚".into(), "渝北".into()];
        corpus.district_aliases = vec![("北碚区".into(), DistrictId(0))];
        corpus.topics = vec!["科技创新".into()];
        let mut start = 0;
        for line in text.split('\n') {
            corpus.passages.push(Passage {
                doc: DocId(0),
                start,
                end: start + line.len() as u32,
                districts: vec![],
                inherited: false,
                topics: vec![],
            });
            start += line.len() as u32 + 1;
        }
        corpus.docs.push(Document {
            key: "doc0".into(),
            title: "北碚区缙云山".into(),
            date: None,
            source: None,
            url: None,
            text: text.into(),
            passages: 0..3,
            districts: vec![],
            main_districts: vec![],
            topics: vec![],
        });
        Rc::new(Searcher::new(corpus))
    }

    fn loaded(hash: &str) -> Rc<AppState> {
        let (view, notices) = ViewState::parse(hash);
        Rc::new(AppState::new(view, notices)).reduce(Action::Loaded(searcher(), None))
    }

    #[test]
    fn a_reversed_date_range_is_swapped() {
        let day = |s: &str| quxian_core::Date::parse(s);
        let state = loaded("#/search?v=1&q=缙云山").reduce(Action::SetDates(DateRange {
            from: day("2026-05-10"),
            to: day("2026-04-28"),
        }));
        assert_eq!(
            (state.view.dates.from, state.view.dates.to),
            (day("2026-04-28"), day("2026-05-10"))
        );
    }

    #[test]
    fn a_library_gone_elsewhere_opens_the_built_in_corpus_with_a_notice() {
        let (view, notices) = ViewState::parse("#/search?v=1&lib=abc&q=缙云山");
        let state = Rc::new(AppState::new(view, notices));
        let other = state.clone().reduce(Action::LibraryGone("xyz".into()));
        assert_eq!(
            other.view.library.as_deref(),
            Some("abc"),
            "another library: nothing"
        );
        let gone = state.reduce(Action::LibraryGone("abc".into()));
        assert_eq!(
            (gone.view.library.as_ref(), gone.view.query.as_str()),
            (None, "缙云山")
        );
        assert_eq!(gone.link_notices.len(), 1);
    }

    #[test]
    fn home_is_the_overview_of_the_open_library() {
        let (view, notices) = ViewState::parse("#/search?v=1&lib=abc&q=缙云山&district=北碚");
        let state = Rc::new(AppState::new(view, notices)).reduce(Action::Home);
        let library = Some("abc".to_string());
        assert_eq!(
            state.view,
            ViewState {
                library,
                ..ViewState::default()
            }
        );
    }

    #[test]
    fn a_link_is_checked_against_the_corpus_once_loaded() {
        let state = loaded(
            "#/search?v=1&q=缙云山&district=北碚区&district=火星&topic=科技创新&doc=doc0&p=9",
        );
        assert_eq!(state.view.query, "缙云山");
        assert_eq!(
            state.view.districts,
            ["北碚"],
            "aliases become display names"
        );
        assert_eq!(state.view.topics, ["科技创新"]);
        assert_eq!(state.view.doc.as_deref(), Some("doc0"));
        assert_eq!(state.view.passage, None, "passage 9 of 3 is dropped");
        assert_eq!(state.link_notices.len(), 2, "{:?}", state.link_notices);
        assert_eq!(state.write, HistoryWrite::Replace);

        let state = state.reduce(Action::Navigate(
            ViewState::parse("#/search?v=1&doc=没有").0,
            Vec::new(),
        ));
        assert_eq!(state.view.doc, None);
        assert_eq!(state.link_notices.len(), 1);
        assert_eq!(
            state.write,
            HistoryWrite::Replace,
            "what the link held that could not be used leaves the address"
        );
        let state = state.reduce(Action::Navigate(
            ViewState::parse("#/search?v=1&q=缙云山").0,
            Vec::new(),
        ));
        assert_eq!(
            state.write,
            HistoryWrite::None,
            "a view from the URL that is used whole is not written back"
        );
    }

    #[test]
    fn typing_and_submitting_write_history_differently() {
        let state = loaded("");
        let typed = state.clone().reduce(Action::TypeQuery("北碚".into()));
        assert_eq!(typed.write, HistoryWrite::Typing);
        let same = typed.clone().reduce(Action::SubmitQuery("北碚".into()));
        assert!(
            Rc::ptr_eq(&typed, &same),
            "an unchanged query changes nothing"
        );
        let opened = typed.reduce(Action::OpenDoc("doc0".into(), Some(1)));
        let submitted = opened.reduce(Action::SubmitQuery("北碚".into()));
        assert_eq!(submitted.view.doc, None, "submitting closes the reader");
        assert_eq!(submitted.write, HistoryWrite::Push);
    }

    #[test]
    fn filters_toggle_and_cells_replace_them() {
        let state = loaded("")
            .reduce(Action::ToggleDistrict(DistrictId(0)))
            .reduce(Action::ToggleDistrict(DistrictId(1)));
        assert_eq!(state.view.districts, ["北碚", "渝北"]);
        let state = state.reduce(Action::ToggleDistrict(DistrictId(0)));
        assert_eq!(state.view.districts, ["渝北"]);
        let state = state.reduce(Action::ShowCell(DistrictId(0), TopicId(0)));
        assert_eq!(
            (state.view.districts.clone(), state.view.topics.clone()),
            (vec!["北碚".to_string()], vec!["科技创新".to_string()])
        );
        assert!(state.reduce(Action::ClearFilters).view.districts.is_empty());
    }

    #[test]
    fn dates_and_sort_go_to_the_link_and_clear_with_the_filters() {
        let april = DateRange {
            from: quxian_core::Date::parse("2026-04"),
            to: quxian_core::Date::parse("2026-04"),
        };
        let state = loaded("#/search?q=北碚&p=1&doc=doc0").reduce(Action::SetDates(april));
        assert_eq!(state.view.doc, None, "a new date filter shows the results");
        assert_eq!(state.write, HistoryWrite::Push);
        let same = state.clone().reduce(Action::SetDates(april));
        assert!(Rc::ptr_eq(&state, &same), "the same range changes nothing");
        let state = state.reduce(Action::SetSort(SortOrder::Oldest));
        assert!(
            state
                .view
                .to_hash()
                .ends_with("&sort=oldest&from=2026-04&to=2026-04"),
            "{}",
            state.view.to_hash()
        );
        let (parsed, notices) = ViewState::parse(&state.view.to_hash());
        assert_eq!((parsed, notices), (state.view.clone(), vec![]));
        let cleared = state.reduce(Action::ClearFilters);
        assert!(cleared.view.dates.is_all());
        assert_eq!(
            cleared.view.sort,
            SortOrder::Oldest,
            "the order is not a filter"
        );
    }

    #[test]
    fn focus_is_clamped_and_dropped_when_the_view_changes() {
        let state = loaded("").reduce(Action::MoveFocus(-1, 3));
        assert_eq!(state.focus, Some(2), "up from nothing is the last group");
        let state = state.reduce(Action::MoveFocus(5, 3));
        assert_eq!(state.focus, Some(2));
        let state = state.reduce(Action::MoveFocus(-9, 3));
        assert_eq!(state.focus, Some(0));
        assert_eq!(state.reduce(Action::TypeQuery("北碚".into())).focus, None);
    }

    #[test]
    fn load_more_lists_another_page_until_the_search_changes() {
        let state = loaded("#/search?v=1&q=北碚");
        assert_eq!(state.listed, PAGE_GROUPS);
        let state = state.reduce(Action::ShowMore).reduce(Action::ShowMore);
        assert_eq!(state.listed, 3 * PAGE_GROUPS);
        let reading = state.reduce(Action::OpenDoc("doc0".into(), Some(1)));
        assert_eq!(
            reading.listed,
            3 * PAGE_GROUPS,
            "reading a document keeps the list"
        );
        let back = reading.reduce(Action::CloseDoc);
        assert_eq!(back.listed, 3 * PAGE_GROUPS);
        let filtered = back.clone().reduce(Action::ToggleDistrict(DistrictId(0)));
        assert_eq!(filtered.listed, PAGE_GROUPS, "a filter is a new search");
        let typed = back.reduce(Action::TypeQuery("渝北".into()));
        assert_eq!(typed.listed, PAGE_GROUPS, "so is a new query");
    }

    #[test]
    fn a_missing_library_falls_back_to_the_built_in_corpus() {
        let (view, _) = ViewState::parse("#/search?v=1&q=北碚&lib=abc&doc=doc0");
        let state =
            Rc::new(AppState::new(view, Vec::new())).reduce(Action::LibraryMissing("abc".into()));
        assert_eq!(state.view.library, None);
        assert_eq!(state.view.doc, None);
        assert_eq!(state.view.query, "北碚");
        assert_eq!(state.link_notices.len(), 1);
    }
}
