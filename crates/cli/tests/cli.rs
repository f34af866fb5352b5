//! The real `quxian` binary on fixture files in a scratch directory.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh scratch directory under the target dir, named after the test.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn quxian(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quxian"))
        .args(args)
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let out = quxian(args);
    assert!(
        out.status.success(),
        "quxian {args:?} failed:\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Mixed formats and encodings, plus files that must be skipped with a reason.
fn write_fixtures(dir: &Path) {
    let (gbk, _, _) = encoding_rs::GBK
        .encode("缙云山下的北碚\n\n北碚区缙云山自然保护区生态修复成效明显，游客增多。\n");
    std::fs::write(dir.join("gbk.txt"), gbk).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "渝北新闻\n\n渝北区仙桃数据谷聚集大数据企业，科技创新活跃。\n".encode_utf16()
    {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    std::fs::write(dir.join("utf16.txt"), utf16).unwrap();
    std::fs::write(
        dir.join("note.md"),
        "---\ntitle: 两江新区简讯\ndate: 2026-05-01\n---\n\n# 两江新区简讯\n\n两江新区**交通**建设提速，轨道交通线路加密。\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("page.html"),
        "<html><head><title>涪陵榨菜</title><script>var x = '北碚';</script></head><body><p>涪陵区榨菜产业发展壮大。</p></body></html>",
    )
    .unwrap();
    std::fs::write(
        dir.join("feed.jsonl"),
        "{\"title\":\"万州新闻\",\"text\":\"万州区港口物流发展。\",\"date\":\"2026-01-02\"}\nnot json\n",
    )
    .unwrap();
    std::fs::write(dir.join("image.bin.txt"), [0u8, 159, 146, 150, 0, 1, 2]).unwrap();
    std::fs::write(dir.join("empty.txt"), "  \n").unwrap();
    std::fs::write(dir.join("data.csv"), "a,b\n").unwrap();
}

/// A scratch folder with the fixtures in its `docs/`: (folder, docs).
fn fixtures(name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    write_fixtures(&docs);
    (dir, docs)
}

#[test]
fn build_reports_documents_and_skipped_files() {
    let (dir, docs) = fixtures("build");
    let bundle = dir.join("c.qx");
    let summary = ok(&["build", path(&docs), "-o", path(&bundle)]);
    assert!(summary.contains("built     5 documents"), "{summary}");
    for (file, reason) in [
        ("image.bin.txt", "binary file"),
        ("empty.txt", "empty file"),
        ("data.csv", "unsupported file type .csv"),
        ("feed.jsonl", "line 2"),
    ] {
        assert!(
            summary
                .lines()
                .any(|l| l.contains(file) && l.contains(reason)),
            "summary should name {file} with {reason:?}:\n{summary}"
        );
    }

    let inspect: Value = serde_json::from_str(&ok(&["inspect", path(&bundle), "--json"])).unwrap();
    let docs = inspect["documents"].as_array().unwrap();
    let main_of = |title: &str| -> Vec<String> {
        let doc = docs
            .iter()
            .find(|d| d["title"] == title)
            .unwrap_or_else(|| panic!("no {title} in {docs:?}"));
        doc["main_districts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(main_of("缙云山下的北碚"), ["北碚"], "GBK file decoded");
    assert_eq!(main_of("渝北新闻"), ["渝北"], "UTF-16 file decoded");
    assert_eq!(
        main_of("两江新区简讯"),
        ["两江新区"],
        "markdown front matter title"
    );
    assert_eq!(main_of("涪陵榨菜"), ["涪陵"], "html title, script skipped");
    assert_eq!(main_of("万州新闻"), ["万州"], "jsonl record");
}

#[test]
fn search_json_has_the_documented_shape() {
    let dir = scratch("search");
    write_fixtures(&dir);
    let bundle = dir.join("c.qx");
    ok(&["build", path(&dir), "-o", path(&bundle)]);

    let out: Value =
        serde_json::from_str(&ok(&["search", path(&bundle), "缙云山", "--json"])).unwrap();
    // The title line is a heading, so it joins the paragraph after it: one passage.
    assert_eq!(out["total"], 1, "{out}");
    let hit = &out["hits"][0];
    let text: Vec<char> = hit["text"].as_str().unwrap().chars().collect();
    for h in hit["highlights"].as_array().unwrap() {
        let (s, e) = (
            h[0].as_u64().unwrap() as usize,
            h[1].as_u64().unwrap() as usize,
        );
        let marked: String = text[s..e].iter().collect();
        assert_eq!(marked, "缙云山", "highlight offsets are characters of text");
    }
    assert_eq!(hit["districts"][0], "北碚");
    assert_eq!(out["facets"]["district"]["北碚"], 1);

    // Filters: flags and inline syntax are the same thing; exclusions remove passages.
    let flag: Value = serde_json::from_str(&ok(&[
        "search",
        path(&bundle),
        "",
        "--district",
        "渝北",
        "--json",
    ]))
    .unwrap();
    let inline: Value =
        serde_json::from_str(&ok(&["search", path(&bundle), "district:渝北区", "--json"])).unwrap();
    assert_eq!(flag["total"], inline["total"]);
    assert!(flag["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["districts"]
            .as_array()
            .unwrap()
            .contains(&Value::from("渝北"))));
    let excluded: Value =
        serde_json::from_str(&ok(&["search", path(&bundle), "缙云山 -游客", "--json"])).unwrap();
    assert_eq!(excluded["total"], 0, "{excluded}");
    let kept: Value =
        serde_json::from_str(&ok(&["search", path(&bundle), "缙云山 -大数据", "--json"])).unwrap();
    assert_eq!(kept["total"], 1, "{kept}");
    // A query that starts with an exclusion is the query, not an unknown option; options
    // after it still work.
    let all: Value = serde_json::from_str(&ok(&["search", path(&bundle), "--json"])).unwrap();
    let not_beibei: Value =
        serde_json::from_str(&ok(&["search", path(&bundle), "-缙云山", "--json"])).unwrap();
    assert_eq!(
        not_beibei["total"],
        all["total"].as_u64().unwrap() - 1,
        "{not_beibei}"
    );
    let limited: Value = serde_json::from_str(&ok(&[
        "search",
        path(&bundle),
        "-缙云山",
        "--limit",
        "1",
        "--json",
    ]))
    .unwrap();
    assert_eq!(limited["hits"].as_array().unwrap().len(), 1, "{limited}");

    // A bad query is an error with a message, exit code 2.
    let long = "北".repeat(5000);
    let out = quxian(&["search", path(&bundle), &long]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most"));
}

#[test]
fn damaged_bundles_are_clear_errors() {
    let dir = scratch("damaged");
    write_fixtures(&dir);
    let bundle = dir.join("c.qx");
    ok(&["build", path(&dir), "-o", path(&bundle)]);
    let bytes = std::fs::read(&bundle).unwrap();
    let cases: [(&str, Vec<u8>, &str); 3] = [
        ("truncated", bytes[..bytes.len() / 2].to_vec(), "truncated"),
        (
            "garbage",
            b"PK\x03\x04 not a bundle".to_vec(),
            "not a quxian bundle",
        ),
        (
            "flipped",
            {
                let mut b = bytes.clone();
                let n = b.len() - 5;
                b[n] ^= 1;
                b
            },
            "checksum",
        ),
    ];
    for (name, data, expected) in cases {
        let f = dir.join(format!("{name}.qx"));
        std::fs::write(&f, data).unwrap();
        let out = quxian(&["search", path(&f), "北碚"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains(expected) && err.contains(&format!("{name}.qx")),
            "{name}: {err}"
        );
    }
}

#[test]
fn custom_gazetteer_and_topics_replace_the_defaults() {
    let dir = scratch("custom");
    let docs = dir.join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(
        docs.join("a.txt"),
        "成都新闻\n\n武侯区武侯祠游客如织，文旅消费火热。\n",
    )
    .unwrap();
    let gazetteer = dir.join("sichuan.txt");
    std::fs::write(
        &gazetteer,
        "district 武侯 区 武侯区\nplace 武侯 武侯祠\ndistrict 锦江 区 锦江区\n",
    )
    .unwrap();
    let topics = dir.join("topics.txt");
    std::fs::write(&topics, "旅游 *游客 文旅 消费\n").unwrap();
    let bundle = dir.join("c.qx");
    ok(&[
        "build",
        path(&docs),
        "-o",
        path(&bundle),
        "--gazetteer",
        path(&gazetteer),
        "--topics",
        path(&topics),
    ]);
    let out: Value =
        serde_json::from_str(&ok(&["search", path(&bundle), "武侯祠", "--json"])).unwrap();
    assert_eq!(out["hits"][0]["districts"][0], "武侯", "{out}");
    assert_eq!(out["hits"][0]["topics"][0], "旅游", "{out}");
    // --explain annotates with the bundle's own data files, not the built-in ones.
    let why = ok(&["inspect", path(&bundle), "--explain", "--doc", "0"]);
    assert!(
        why.contains("主要区县：武侯") && why.contains("文档主题：旅游"),
        "{why}"
    );
    let none = quxian(&["inspect", path(&bundle), "--doc", "nokey"]);
    assert_eq!(none.status.code(), Some(2), "an unknown --doc is an error");

    std::fs::write(&gazetteer, "district 武侯 区 武侯区\nplace 锦江 春熙路\n").unwrap();
    let out = quxian(&[
        "build",
        path(&docs),
        "-o",
        path(&bundle),
        "--gazetteer",
        path(&gazetteer),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("line 2"),
        "a bad data file names its line: {err}"
    );
}

/// An app folder like `cargo xtask dist` makes, from the repo's static files (the wasm
/// package is not needed to write or search a site natively).
fn app_folder(dir: &Path) -> PathBuf {
    let statics = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web/static");
    let app = dir.join("app");
    std::fs::create_dir_all(app.join("pkg-site")).unwrap();
    std::fs::create_dir_all(app.join("icons")).unwrap();
    for file in [
        "site.html",
        "site.js",
        "site-export.js",
        "site-worker.js",
        "site.css",
        "sw.js",
        "sw-register.js",
    ] {
        std::fs::copy(statics.join(file), app.join(file)).unwrap();
    }
    app
}

/// `quxian build DOCS --site OUT` with the page of [`app_folder`], whatever comes of it.
fn build_into(dir: &Path, docs: &Path, out: &Path) -> Output {
    let app = app_folder(dir);
    quxian(&[
        "build",
        path(docs),
        "--site",
        path(out),
        "--app",
        path(&app),
    ])
}

/// Build `docs` as a site into `dir/site` (again if it is there), with the page of
/// [`app_folder`]; the site folder.
fn build_site(dir: &Path, docs: &Path) -> PathBuf {
    let site = dir.join("site");
    let app = app_folder(dir);
    ok(&[
        "build",
        path(docs),
        "--site",
        path(&site),
        "--app",
        path(&app),
    ]);
    site
}

#[test]
fn a_site_answers_like_its_bundle() {
    let (dir, docs) = fixtures("site");
    let bundle = dir.join("c.qx");
    ok(&["build", path(&docs), "-o", path(&bundle)]);
    let site = build_site(&dir, &docs);
    for query in [
        "缙云山",
        "北碚",
        "交通 -榨菜",
        "\"区榨菜\"",
        "科技创新",
        "district:渝北",
    ] {
        let from_bundle: Value = serde_json::from_str(&ok(&[
            "search",
            path(&bundle),
            query,
            "--json",
            "--limit",
            "100",
        ]))
        .unwrap();
        let from_site: Value = serde_json::from_str(&ok(&[
            "search",
            path(&site),
            query,
            "--json",
            "--limit",
            "100",
        ]))
        .unwrap();
        assert_eq!(from_site, from_bundle, "query {query}");
    }
    // --pieces says what the query read, stage by stage: the first page, then the facets.
    let out = quxian(&["search", path(&site), "缙云山", "--pieces"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("first page:") && stderr.contains("facets:"),
        "{stderr}"
    );
    assert!(
        stderr.contains(" t: "),
        "the facets read passage tables: {stderr}"
    );
}

/// A reversed --from/--to is swapped and said so, on a bundle and on a site, as the app and
/// the site page swap it; a year after a month of it is in order.
#[test]
fn a_reversed_date_range_is_swapped_with_a_notice() {
    let (dir, docs) = fixtures("dates");
    let bundle = dir.join("c.qx");
    ok(&["build", path(&docs), "-o", path(&bundle)]);
    let site = build_site(&dir, &docs);
    let search = |target: &Path, from: &str, to: &str| -> Value {
        let args = [
            "search",
            path(target),
            "",
            "--json",
            "--from",
            from,
            "--to",
            to,
        ];
        serde_json::from_str(&ok(&args)).unwrap()
    };
    for target in [&bundle, &site] {
        let ordered = search(target, "2026-01", "2026-05");
        assert_eq!(ordered["total_docs"], 2, "the two dated documents");
        assert_eq!(ordered["notices"], serde_json::json!([]));
        let reversed = search(target, "2026-05", "2026-01");
        assert_eq!(reversed["total_docs"], ordered["total_docs"]);
        assert_eq!(reversed["notices"][0], "--from 晚于 --to，已对调");
        let year = search(target, "2026-05", "2026");
        assert_eq!(
            year["total_docs"], 1,
            "May to the end of 2026: one document"
        );
        assert_eq!(year["notices"], serde_json::json!([]));
    }
}

/// Rebuilding a site in place swaps in the whole new index: no piece of the earlier build
/// and no working folder is left, and the site answers for the new documents.
#[test]
fn rebuilding_a_site_replaces_its_whole_index() {
    let (dir, docs) = fixtures("site-rebuild");
    let site = build_site(&dir, &docs);
    let pieces = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(site.join("quxian"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = pieces();
    std::fs::write(
        docs.join("新增.txt"),
        "新增文档\n\n铜梁龙灯表演吸引游客。\n",
    )
    .unwrap();
    build_site(&dir, &docs);
    let after = pieces();
    let mut entries: Vec<String> = std::fs::read_dir(&site)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("quxian"))
        .collect();
    entries.sort();
    assert_eq!(entries, ["quxian"], "no quxian.new or quxian.old left");
    let kept: Vec<&String> = after
        .iter()
        .filter(|n| *n != "site.qxs" && before.contains(n))
        .collect();
    assert!(
        kept.is_empty(),
        "pieces of the earlier build left: {kept:?}"
    );
    let found: Value =
        serde_json::from_str(&ok(&["search", path(&site), "龙灯", "--json"])).unwrap();
    assert_eq!(found["total_docs"], 1, "{found}");
}

/// A build that would lose or mix up the user's files is refused before it starts: a site
/// folder inside the inputs, an index folder holding the user's files, someone else's site.
#[test]
fn a_site_folder_with_the_users_files_is_refused() {
    let (dir, docs) = fixtures("site-refused");
    let build = |site: &Path| build_into(&dir, &docs, site);
    let refused = |out: Output, words: &str| {
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(words), "{err}");
    };
    refused(build(&docs.join("site")), "inside the input");

    let theirs = dir.join("theirs");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("index.html"), "<h1>my own page</h1>").unwrap();
    std::fs::write(theirs.join("site.css"), "h1 {}").unwrap();
    refused(
        build(&theirs),
        "already has index.html, site.css but no quxian index",
    );
    assert_eq!(
        std::fs::read_to_string(theirs.join("index.html")).unwrap(),
        "<h1>my own page</h1>"
    );

    let site = build_site(&dir, &docs);
    // A site's index folder given for the site: refused, nothing written into it.
    let pieces = std::fs::read_dir(site.join("quxian")).unwrap().count();
    refused(build(&site.join("quxian")), "is the index folder of a site");
    assert_eq!(
        std::fs::read_dir(site.join("quxian")).unwrap().count(),
        pieces
    );

    std::fs::write(site.join("quxian/notes.txt"), "mine").unwrap();
    refused(build(&site), "holds notes.txt, which quxian did not write");
    assert!(site.join("quxian/notes.txt").is_file(), "nothing deleted");
}

/// A first site build that was stopped (the page copied, the index half-written in
/// `quxian.new/`) is ours: the next build finishes it.
#[test]
fn a_stopped_first_site_build_is_built_again() {
    let (dir, docs) = fixtures("site-stopped");
    let site = build_site(&dir, &docs);
    std::fs::rename(site.join("quxian"), site.join("quxian.new")).unwrap();
    build_site(&dir, &docs);
    assert!(site.join("quxian/site.qxs").is_file());
    assert!(
        !site.join("quxian.new").exists(),
        "the unfinished index is gone"
    );
}

/// `-o` never replaces a file that is not a bundle (an input, the user's notes); a bundle,
/// even one of the inputs, is replaced once every input is read.
#[test]
fn an_output_file_that_is_not_a_bundle_is_refused() {
    let (dir, docs) = fixtures("output-refused");
    let first = std::fs::read_dir(&docs)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "txt"))
        .unwrap();
    let text = std::fs::read(&first).unwrap();
    let out = quxian(&["build", path(&docs), "-o", path(&first)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a quxian bundle"));
    assert_eq!(std::fs::read(&first).unwrap(), text, "the input is kept");

    let bundle = dir.join("lib.qx");
    ok(&["build", path(&first), "-o", path(&bundle)]);
    ok(&["build", path(&bundle), path(&docs), "-o", path(&bundle)]);
    let report = ok(&["inspect", path(&bundle)]);
    assert!(report.lines().count() > 1, "{report}");
}

/// `--strict` with a skipped file writes nothing: the earlier output stays.
#[test]
fn strict_writes_nothing_when_a_file_is_skipped() {
    let (dir, docs) = fixtures("strict");
    let bundle = dir.join("c.qx");
    ok(&["build", path(&docs.join("gbk.txt")), "-o", path(&bundle)]);
    let earlier = std::fs::read(&bundle).unwrap();
    let out = quxian(&["build", path(&docs), "-o", path(&bundle), "--strict"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nothing was written"));
    assert_eq!(std::fs::read(&bundle).unwrap(), earlier);
}

/// Links that loop back to a folder, or lead nowhere, are skipped with a reason; the rest
/// of the folder is read.
#[cfg(unix)]
#[test]
fn looping_and_dangling_links_are_skipped() {
    let (dir, docs) = fixtures("links");
    std::fs::create_dir_all(docs.join("sub")).unwrap();
    std::os::unix::fs::symlink("..", docs.join("sub/up")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/file.txt", docs.join("dangling.txt")).unwrap();
    let bundle = dir.join("c.qx");
    let summary = ok(&["build", path(&docs), "-o", path(&bundle)]);
    assert!(
        summary.contains("a folder already read (given twice, or a link to it)"),
        "{summary}"
    );
    assert!(summary.contains("dangling.txt: cannot read"), "{summary}");
    // A pipe is not read (reading it would wait forever).
    let fifo = docs.join("pipe.txt");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let piped = ok(&["build", path(&docs), "-o", path(&dir.join("piped.qx"))]);
    assert!(piped.contains("pipe.txt: not a regular file"), "{piped}");
    std::fs::remove_file(&fifo).unwrap();
    // A file given twice (itself and in its folder) is read once: not its own duplicate.
    let first = std::fs::read_dir(&docs)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let twice = ok(&[
        "build",
        path(&docs),
        path(&first),
        "-o",
        path(&dir.join("twice.qx")),
    ]);
    assert!(!twice.contains("duplicate of"), "{twice}");
    let plain = ok(&["build", path(&docs), "-o", path(&dir.join("plain.qx"))]);
    let documents = |s: &str| {
        s.lines()
            .find(|l| l.starts_with("built"))
            .unwrap()
            .to_string()
    };
    assert_eq!(documents(&summary), documents(&plain));
}

/// `inspect --doc 2` shows one document: the one whose key is 2 before the one numbered 2.
/// An empty bundle says it holds none.
#[test]
fn inspect_shows_one_document_and_says_when_there_is_none() {
    let dir = scratch("inspect-one");
    let docs = dir.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for (name, text) in [
        ("2.txt", "北碚区新闻二"),
        ("a.txt", "渝中区新闻甲"),
        ("b.txt", "万州区新闻乙"),
    ] {
        std::fs::write(docs.join(name), text).unwrap();
    }
    let bundle = dir.join("c.qx");
    ok(&["build", path(&docs), "-o", path(&bundle)]);
    let shown = ok(&["inspect", path(&bundle), "--doc", "2"]);
    let titles: Vec<&str> = shown.lines().filter(|l| l.contains('[')).collect();
    assert_eq!(titles.len(), 1, "{shown}");
    assert!(titles[0].contains("[2]"), "{shown}");

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let nothing = dir.join("e.qx");
    ok(&["build", path(&empty), "-o", path(&nothing)]);
    assert_eq!(
        ok(&["inspect", path(&nothing)]).trim(),
        "the bundle holds no documents"
    );
}

/// A site missing a piece says so, and what to do; `--site` naming a file is refused.
#[test]
fn a_site_missing_a_piece_or_a_file_for_a_site_is_explained() {
    let (dir, docs) = fixtures("site-incomplete");
    let site = build_site(&dir, &docs);
    for entry in std::fs::read_dir(site.join("quxian")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("g-")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    let out = quxian(&["search", path(&site), "缙云山"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("lacks the piece") && err.contains("build it again"),
        "{err}"
    );

    let file = dir.join("a-file");
    std::fs::write(&file, "mine").unwrap();
    let out = build_into(&dir, &docs, &file);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a file, not a folder"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "mine");
}

/// A link among the inputs to the site folder is not followed: rebuilding reads the same
/// documents, not the site's own pages.
#[cfg(unix)]
#[test]
fn a_link_to_the_site_folder_is_not_read() {
    let (dir, docs) = fixtures("site-link");
    let site = build_site(&dir, &docs);
    std::os::unix::fs::symlink(&site, docs.join("link")).unwrap();
    let out = build_into(&dir, &docs, &site);
    assert!(out.status.success());
    let again = String::from_utf8_lossy(&out.stdout);
    assert!(again.contains("built     5 documents"), "{again}");
    assert!(
        again.contains("a link to the site folder being written"),
        "{again}"
    );
}
