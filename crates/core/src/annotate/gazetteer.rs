//! The gazetteer: districts, the names they go by, and the places inside them.
//!
//! Input: the text of a gazetteer data file (format in the header of `data/gazetteer.txt`;
//! the Chongqing default is embedded from there). Output: an immutable [`Gazetteer`] that
//! maps a whole jieba token to a [`DistrictId`], lists display names and filter aliases, and
//! hands every name to the segmenter's dictionary.
//!
//! Invariants: every name (display, full, alias, place, moved place, blocked word) occurs
//! once in the file; every reference (alias, place, moved, merged, ambiguous) names something
//! defined in the file; `DistrictId`s follow the order of `district` lines.
//!
//! Not done here: finding names in text (that is `annotate_document`, on whole tokens only),
//! and choosing among boundary periods by document date. A moved place always maps to its
//! current district; the former one is kept as data ([`Gazetteer::former_district`]).

use super::datafile::{data_lines, error, form};
use super::tiles::TileLayout;
use crate::corpus::DistrictId;
use crate::date::Date;
use crate::error::DataProblem;
use crate::error::Result;
use crate::tile::{tile_fields, Tile};
use std::collections::HashMap;

/// Districts and the places inside them, parsed from a data file.
#[derive(Clone, Debug, Default)]
pub struct Gazetteer {
    districts: Vec<String>,
    kinds: Vec<String>,
    /// Every name that resolves to a district.
    names: rustc_hash::FxHashMap<String, Name>,
    /// Every word for jieba's dictionary, in file order (names and blocked words).
    words: Vec<String>,
    /// District-level names other than the display names.
    aliases: Vec<(String, DistrictId)>,
    moves: Vec<Move>,
    merges: Vec<Merge>,
    /// The city-level unit (`city` line): its facet id and the names of the city itself.
    city: Option<(DistrictId, Vec<String>)>,
    /// Words that speak of the whole city (`citywide` line: 全市, 我市, 各区县 …).
    citywide: rustc_hash::FxHashSet<String>,
    /// Context words (`context` lines) with the roles they play next to a name.
    context: rustc_hash::FxHashMap<String, ContextRoles>,
    /// Where each district sits on the explorer's map (`tile` lines).
    tiles: Vec<Tile>,
}

#[derive(Clone, Debug)]
struct Name {
    district: DistrictId,
    ambiguous: bool,
    role: Role,
    /// For a dated alias, the last date it was in use, as written (`until=`).
    until: Option<String>,
}

/// What a context word says about a name right next to it (bit set; see `context` lines in
/// `data/gazetteer.txt`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct ContextRoles(u8);

impl ContextRoles {
    /// Before a name: the name lies in another province or city (四川, 宁波市).
    pub(crate) const ELSEWHERE: ContextRoles = ContextRoles(1);
    /// Before a name: the name is a person's (记者).
    pub(crate) const NOT_BEFORE: ContextRoles = ContextRoles(2);
    /// After a name: the name is a person's or a brand's (教授, 集团).
    pub(crate) const NOT_AFTER: ContextRoles = ContextRoles(4);
    /// Before a name: the name is a place (在, 赴, 位于).
    pub(crate) const PLACE_BEFORE: ContextRoles = ContextRoles(8);
    /// After a name: the name is a place (区委, 县委).
    pub(crate) const PLACE_AFTER: ContextRoles = ContextRoles(16);
    /// Before a name: a one-character word that does not join the name into a word (和, 与).
    pub(crate) const PLAIN_BEFORE: ContextRoles = ContextRoles(32);
    /// After a name, within a few words, in a title or lead: the name is the venue (举行).
    pub(crate) const EVENT_AFTER: ContextRoles = ContextRoles(64);

    const NAMES: [(&'static str, ContextRoles); 7] = [
        ("elsewhere", Self::ELSEWHERE),
        ("not-before", Self::NOT_BEFORE),
        ("not-after", Self::NOT_AFTER),
        ("place-before", Self::PLACE_BEFORE),
        ("place-after", Self::PLACE_AFTER),
        ("plain-before", Self::PLAIN_BEFORE),
        ("event-after", Self::EVENT_AFTER),
    ];

    /// True when every role of `other` is in `self`.
    pub(crate) fn has(self, other: ContextRoles) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
}

/// A place that passed from one district to another.
#[derive(Clone, Debug)]
struct Move {
    name: String,
    date: String,
    from: DistrictId,
    to: DistrictId,
}

/// Districts absorbed into a unit (recorded only; they keep their own ids).
#[derive(Clone, Debug)]
struct Merge {
    date: String,
    into: DistrictId,
    districts: Vec<DistrictId>,
}

/// What a name is: for messages while parsing, and because a short display name (江北)
/// is more easily part of another word than a full name (江北区) or a place (观音桥).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    District,
    Alias,
    Place,
    Moved,
    Blocked,
    City,
}

impl Role {
    /// The kind of line that defines a name of this role (for messages).
    fn label(self) -> &'static str {
        match self {
            Role::District => "district",
            Role::Alias => "alias",
            Role::Place => "place",
            Role::Moved => "moved",
            Role::Blocked => "block/citywide",
            Role::City => "city",
        }
    }
}

/// Parser state: names seen so far with the line that defined them.
struct Parser<'a> {
    file: &'a str,
    g: Gazetteer,
    defined: HashMap<String, (usize, Role)>,
    tiles: TileLayout,
}

const EMBEDDED: &str = include_str!("../../../../data/gazetteer.txt");

impl Gazetteer {
    /// Parse a gazetteer file. `file_label` names the file in errors (`gazetteer` or a path).
    ///
    /// Errors ([`crate::Error::DataFile`] with the 1-based line): unknown record kinds,
    /// missing fields, a name defined twice (the message names the first line), references
    /// to districts or names that are not defined, bad dates, and moves of one place whose
    /// dates or districts do not chain (the `from` of a later move must be the `to` of the
    /// earlier one, and no two moves share a date).
    pub fn parse(text: &str, file_label: &str) -> Result<Gazetteer> {
        let mut p = Parser {
            file: file_label,
            g: Gazetteer::default(),
            defined: HashMap::new(),
            tiles: TileLayout::default(),
        };
        let lines: Vec<(usize, Vec<&str>)> = data_lines(text).collect();
        // Districts first, so other lines may refer to districts defined further down.
        for (line, fields) in &lines {
            if fields.first() == Some(&"district") {
                p.district(*line, fields)?;
            }
        }
        let mut moved: Vec<(usize, Vec<&str>)> = Vec::new();
        for (line, fields) in &lines {
            match fields.first().copied() {
                Some("district") | Some("ambiguous") => {}
                Some("city") => p.city(*line, fields)?,
                Some("citywide") => p.citywide(*line, fields)?,
                Some("context") => p.context(*line, fields)?,
                Some("alias") => p.alias(*line, fields)?,
                Some("place") => p.place(*line, fields)?,
                Some("moved") => moved.push((*line, fields.clone())),
                Some("merged") => p.merged(*line, fields)?,
                Some("block") => p.block(*line, fields)?,
                Some("tile") => p.tile(*line, fields)?,
                Some(other) => {
                    return Err(error(
                        p.file,
                        *line,
                        DataProblem::UnknownRecord {
                            record: other.to_string(),
                            expected: "district, alias, place, moved, merged, ambiguous, \
                                       block, city, citywide, context, tile",
                        },
                    ))
                }
                None => {}
            }
        }
        p.moved(&moved)?;
        // Ambiguity marks last: they may refer to any name.
        for (line, fields) in &lines {
            if fields.first() == Some(&"ambiguous") {
                p.ambiguous(*line, fields)?;
            }
        }
        p.g.tiles = p.tiles.tiles().to_vec();
        Ok(p.g)
    }

    /// The embedded default: Chongqing's 38 districts and counties plus 两江新区, 万盛经开区
    /// and 重庆高新区, from `data/gazetteer.txt`. (A unit test proves it parses; were it ever
    /// broken this would return an empty gazetteer rather than panic.)
    pub fn chongqing() -> Gazetteer {
        Gazetteer::parse(EMBEDDED, "gazetteer").unwrap_or_default()
    }

    /// Display (short canonical) names; the index is the [`DistrictId`].
    pub fn districts(&self) -> &[String] {
        &self.districts
    }

    /// The kind label of a district as written in the file (区, 县, 自治县, 新区, …).
    pub fn kind(&self, id: DistrictId) -> Option<&str> {
        self.kinds.get(usize::from(id.0)).map(String::as_str)
    }

    /// Other district-level names a user may type in a filter: full names (北碚区) and
    /// former or other names (开县), each with its district. Places are not included.
    pub fn aliases(&self) -> Vec<(String, DistrictId)> {
        self.aliases.clone()
    }

    /// Every word jieba should keep whole: display names, aliases, places, moved places and
    /// blocked compounds, in file order, each once.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.words.iter().map(String::as_str)
    }

    /// The district a whole token names, if any (ambiguous names included; see
    /// [`Gazetteer::is_ambiguous`]). Blocked words and unknown tokens give `None`.
    pub fn lookup(&self, token: &str) -> Option<DistrictId> {
        self.names.get(token).map(|n| n.district)
    }

    /// True for names marked `ambiguous`: ordinary words that count as a district only in
    /// documents that also name that district unambiguously.
    pub fn is_ambiguous(&self, token: &str) -> bool {
        self.names.get(token).is_some_and(|n| n.ambiguous)
    }

    /// The city-level unit (全市) of a `city` line: the facet entry of documents about the
    /// whole city rather than one district.
    pub fn city(&self) -> Option<DistrictId> {
        self.city.as_ref().map(|(id, _)| *id)
    }

    /// True for a name of the city itself (重庆, 重庆市).
    pub(crate) fn is_city_name(&self, token: &str) -> bool {
        self.city
            .as_ref()
            .is_some_and(|(_, names)| names.iter().any(|n| n == token))
    }

    /// True for a word that speaks of the whole city (全市, 我市, 各区县).
    pub(crate) fn is_citywide(&self, token: &str) -> bool {
        self.citywide.contains(token)
    }

    /// The roles a context word plays next to a name (none for other tokens).
    pub(crate) fn context(&self, token: &str) -> ContextRoles {
        self.context.get(token).copied().unwrap_or_default()
    }

    /// True for a district's short display name (江北, 忠县), which may also be part of a
    /// longer word or of a person's name; full names, aliases and places are not.
    pub(crate) fn is_display_name(&self, token: &str) -> bool {
        self.names
            .get(token)
            .is_some_and(|n| n.role == Role::District)
    }

    /// For a dated alias (`until=`): the last date it was in use, as written.
    pub(crate) fn until(&self, token: &str) -> Option<&str> {
        self.names.get(token).and_then(|n| n.until.as_deref())
    }

    /// For a place that moved between districts: the district it belonged to before its
    /// latest move, and the date of that move as written in the file.
    pub fn former_district(&self, name: &str) -> Option<(DistrictId, &str)> {
        self.moves
            .iter()
            .rev()
            .find(|m| m.name == name)
            .map(|m| (m.from, m.date.as_str()))
    }

    /// Every recorded move as `(place, from, to, date)`, in the order of the file's names
    /// and, for one place, by date.
    pub fn moves(&self) -> impl Iterator<Item = (&str, DistrictId, DistrictId, &str)> {
        self.moves
            .iter()
            .map(|m| (m.name.as_str(), m.from, m.to, m.date.as_str()))
    }

    /// Where each district sits on the explorer's map (`tile` lines), in file order;
    /// districts without a line have no tile.
    pub fn tiles(&self) -> &[Tile] {
        &self.tiles
    }

    /// Units that absorbed districts, as `(unit, absorbed districts, date)`.
    pub fn merges(&self) -> impl Iterator<Item = (DistrictId, &[DistrictId], &str)> {
        self.merges
            .iter()
            .map(|m| (m.into, m.districts.as_slice(), m.date.as_str()))
    }
}

impl Parser<'_> {
    fn district(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let [_, display, kind, full, others @ ..] = f else {
            return Err(error(
                self.file,
                line,
                form("district 显示名 类别 全称 [其他名称…]"),
            ));
        };
        let id = u16::try_from(self.g.districts.len())
            .map(DistrictId)
            .map_err(|_| error(self.file, line, DataProblem::TooMany { what: "districts" }))?;
        self.define(line, display, Role::District, Some(id))?;
        self.g.districts.push((*display).to_string());
        self.g.kinds.push((*kind).to_string());
        for (i, name) in std::iter::once(full).chain(others).enumerate() {
            if i == 0 && name == display {
                // A unit whose full name is its display name (两江新区).
                continue;
            }
            self.define(line, name, Role::Alias, Some(id))?;
            self.g.aliases.push(((*name).to_string(), id));
        }
        Ok(())
    }

    fn alias(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let (names, attrs): (Vec<&str>, Vec<&str>) =
            f.iter().skip(2).partition(|s| !s.contains('='));
        let (Some(display), false) = (f.get(1), names.is_empty()) else {
            return Err(error(
                self.file,
                line,
                form("alias 显示名 名称… [until=日期]"),
            ));
        };
        let mut until = None;
        for attr in attrs {
            match attr.split_once('=') {
                Some(("until", date)) => {
                    self.date(line, date)?;
                    until = Some(date.to_string());
                }
                _ => {
                    return Err(error(
                        self.file,
                        line,
                        DataProblem::UnknownAttribute {
                            attr: attr.to_string(),
                        },
                    ))
                }
            }
        }
        let id = self.district_ref(line, display)?;
        for name in names {
            self.define(line, name, Role::Alias, Some(id))?;
            self.g.aliases.push((name.to_string(), id));
            if let Some(n) = self.g.names.get_mut(name) {
                n.until.clone_from(&until);
            }
        }
        Ok(())
    }

    /// `city <display> <name>...`: the city-level unit (a facet entry after all districts)
    /// and the names of the city itself.
    fn city(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let [_, display, names @ ..] = f else {
            return Err(error(self.file, line, form("city 显示名 名称…")));
        };
        if names.is_empty() {
            return Err(error(self.file, line, form("city 显示名 名称…")));
        }
        if self.g.city.is_some() {
            return Err(error(self.file, line, DataProblem::CityTwice));
        }
        let id = u16::try_from(self.g.districts.len())
            .map(DistrictId)
            .map_err(|_| error(self.file, line, DataProblem::TooMany { what: "districts" }))?;
        if self.g.districts.iter().any(|d| d == display) {
            return Err(error(
                self.file,
                line,
                DataProblem::DistrictTwice {
                    name: display.to_string(),
                },
            ));
        }
        self.g.districts.push((*display).to_string());
        self.g.kinds.push("城市级".to_string());
        for name in names {
            self.define(line, name, Role::City, None)?;
        }
        self.g.city = Some((id, names.iter().map(|n| n.to_string()).collect()));
        Ok(())
    }

    /// `citywide <word>...`: words that speak of the whole city.
    fn citywide(&mut self, line: usize, f: &[&str]) -> Result<()> {
        if f.len() < 2 {
            return Err(error(self.file, line, form("citywide 词语…")));
        }
        for word in f.iter().skip(1) {
            self.define(line, word, Role::Blocked, None)?;
            self.g.citywide.insert(word.to_string());
        }
        Ok(())
    }

    /// `context <role> <word>...`: words that tell, next to a name, whether it is a place.
    /// A word may have several roles (one line per role) but may not be a name.
    fn context(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let expected = || {
            let roles: Vec<&str> = ContextRoles::NAMES.iter().map(|(n, _)| *n).collect();
            form(format!("context 角色 词语…（角色：{}）", roles.join(", ")))
        };
        let [_, role, words @ ..] = f else {
            return Err(error(self.file, line, expected()));
        };
        let Some((_, bits)) = ContextRoles::NAMES.iter().find(|(n, _)| n == role) else {
            return Err(error(self.file, line, expected()));
        };
        if words.is_empty() {
            return Err(error(self.file, line, expected()));
        }
        for word in words {
            if self.g.names.contains_key(*word) {
                return Err(error(
                    self.file,
                    line,
                    DataProblem::ContextIsName {
                        word: word.to_string(),
                    },
                ));
            }
            let roles = self.g.context.entry(word.to_string()).or_default();
            if roles.has(*bits) {
                return Err(error(
                    self.file,
                    line,
                    DataProblem::ContextTwice {
                        word: word.to_string(),
                        role: role.to_string(),
                    },
                ));
            }
            roles.0 |= bits.0;
        }
        Ok(())
    }

    /// `tile <display> <column> <row>`: the district's cell on the map.
    fn tile(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let (display, column, row) = tile_fields(f).map_err(|p| error(self.file, line, p))?;
        let district = self.district_ref(line, display)?;
        let tile = Tile {
            district,
            column,
            row,
        };
        self.tiles
            .place(tile, line)
            .map_err(|p| error(self.file, line, p))
    }

    fn place(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let [_, display, names @ ..] = f else {
            return Err(error(self.file, line, form("place 显示名 名称…")));
        };
        if names.is_empty() {
            return Err(error(self.file, line, form("place 显示名 名称…")));
        }
        let id = self.district_ref(line, display)?;
        for name in names {
            self.define(line, name, Role::Place, Some(id))?;
        }
        Ok(())
    }

    fn merged(&mut self, line: usize, f: &[&str]) -> Result<()> {
        let [_, date, into, olds @ ..] = f else {
            return Err(error(
                self.file,
                line,
                form("merged 日期 并入的区县 原区县…"),
            ));
        };
        if olds.is_empty() {
            return Err(error(
                self.file,
                line,
                form("merged 日期 并入的区县 原区县…"),
            ));
        }
        self.date(line, date)?;
        let into = self.district_ref(line, into)?;
        let mut districts = Vec::new();
        for old in olds {
            let id = self.district_ref(line, old)?;
            if id == into || districts.contains(&id) {
                return Err(error(
                    self.file,
                    line,
                    DataProblem::MergedTwice {
                        name: old.to_string(),
                    },
                ));
            }
            districts.push(id);
        }
        self.g.merges.push(Merge {
            date: (*date).to_string(),
            into,
            districts,
        });
        Ok(())
    }

    fn block(&mut self, line: usize, f: &[&str]) -> Result<()> {
        if f.len() < 2 {
            return Err(error(self.file, line, form("block 词语…")));
        }
        for word in f.iter().skip(1) {
            self.define(line, word, Role::Blocked, None)?;
        }
        Ok(())
    }

    fn ambiguous(&mut self, line: usize, f: &[&str]) -> Result<()> {
        if f.len() < 2 {
            return Err(error(self.file, line, form("ambiguous 名称…")));
        }
        for name in f.iter().skip(1) {
            match self.g.names.get_mut(*name) {
                Some(n) => n.ambiguous = true,
                None => {
                    return Err(error(
                        self.file,
                        line,
                        DataProblem::AmbiguousUnknown {
                            name: name.to_string(),
                        },
                    ))
                }
            }
        }
        Ok(())
    }

    /// All `moved` lines at once, so several moves of one place can be checked as a chain.
    fn moved(&mut self, lines: &[(usize, Vec<&str>)]) -> Result<()> {
        // name -> [(date key, line, date, from, to)]
        type Step = (Date, usize, String, DistrictId, DistrictId);
        let mut order: Vec<String> = Vec::new();
        let mut steps: HashMap<String, Vec<Step>> = HashMap::new();
        for (line, f) in lines {
            let line = *line;
            let [_, date, from, to, names @ ..] = f.as_slice() else {
                return Err(error(
                    self.file,
                    line,
                    form("moved 日期 原区县 新区县 名称…"),
                ));
            };
            if names.is_empty() {
                return Err(error(
                    self.file,
                    line,
                    form("moved 日期 原区县 新区县 名称…"),
                ));
            }
            let key = self.date(line, date)?;
            let from = self.district_ref(line, from)?;
            let to = self.district_ref(line, to)?;
            if from == to {
                return Err(error(self.file, line, DataProblem::MoveToItself));
            }
            for name in names {
                let entry = steps.entry((*name).to_string()).or_insert_with(|| {
                    order.push((*name).to_string());
                    Vec::new()
                });
                entry.push((key, line, (*date).to_string(), from, to));
            }
        }
        for name in order {
            let Some(mut chain) = steps.remove(&name) else {
                continue;
            };
            chain.sort_by_key(|s| s.0);
            for pair in chain.windows(2) {
                if let [a, b] = pair {
                    if a.0 == b.0 {
                        return Err(error(
                            self.file,
                            b.1,
                            DataProblem::MovedTwice {
                                name: name.clone(),
                                date: b.2.clone(),
                                other_line: a.1,
                            },
                        ));
                    }
                    if b.3 != a.4 {
                        return Err(error(
                            self.file,
                            b.1,
                            DataProblem::MovedFromElsewhere {
                                name: name.clone(),
                                other_line: a.1,
                                date: a.2.clone(),
                            },
                        ));
                    }
                }
            }
            let (first_line, current) = match (chain.first(), chain.last()) {
                (Some(first), Some(last)) => (first.1, last.4),
                _ => continue,
            };
            self.define(first_line, &name, Role::Moved, Some(current))?;
            for (_, _, date, from, to) in chain {
                self.g.moves.push(Move {
                    name: name.clone(),
                    date,
                    from,
                    to,
                });
            }
        }
        Ok(())
    }

    /// Register a name (or a blocked word when `district` is `None`), refusing duplicates.
    fn define(
        &mut self,
        line: usize,
        name: &str,
        role: Role,
        district: Option<DistrictId>,
    ) -> Result<()> {
        if let Some((first, first_role)) = self.defined.get(name) {
            return Err(error(
                self.file,
                line,
                DataProblem::NameTwice {
                    name: name.to_string(),
                    first_line: *first,
                    role: first_role.label(),
                },
            ));
        }
        if name.contains('=') || name.starts_with('#') {
            return Err(error(
                self.file,
                line,
                DataProblem::InvalidName {
                    name: name.to_string(),
                },
            ));
        }
        self.defined.insert(name.to_string(), (line, role));
        self.g.words.push(name.to_string());
        if let Some(district) = district {
            self.g.names.insert(
                name.to_string(),
                Name {
                    district,
                    ambiguous: false,
                    role,
                    until: None,
                },
            );
        }
        Ok(())
    }

    /// The district a display name refers to.
    fn district_ref(&self, line: usize, display: &str) -> Result<DistrictId> {
        self.g
            .districts
            .iter()
            .position(|d| d == display)
            .and_then(|i| u16::try_from(i).ok())
            .map(DistrictId)
            .ok_or_else(|| {
                error(
                    self.file,
                    line,
                    DataProblem::NotADistrict {
                        name: display.to_string(),
                    },
                )
            })
    }

    fn date(&self, line: usize, date: &str) -> Result<Date> {
        Date::parse(date).ok_or_else(|| {
            error(
                self.file,
                line,
                DataProblem::BadDate {
                    date: date.to_string(),
                },
            )
        })
    }
}

#[cfg(test)]
mod tests {
    /// Asked before applying: a gazetteer of known lines but no district; not one with a
    /// line of an unknown kind, whose error comes first.
    #[test]
    fn a_gazetteer_without_district_lines_declares_none() {
        assert!(!crate::DataFiles::gazetteer_declares_no_district(EMBEDDED));
        assert!(!crate::DataFiles::gazetteer_declares_no_district(
            "# 注释\n  district 北碚 区 北碚区\n"
        ));
        assert!(crate::DataFiles::gazetteer_declares_no_district(""));
        assert!(crate::DataFiles::gazetteer_declares_no_district(
            "# 只有注释\ncity 重庆\n"
        ));
        assert!(!crate::DataFiles::gazetteer_declares_no_district(
            "districts 北碚 区 北碚区\n"
        ));
    }

    use super::*;
    use crate::Error;

    const SMALL: &str = "\
# test gazetteer
district 甲 区 甲区

district 乙 县 乙县 乙州
alias 乙 旧乙 until=2001-02
place 甲 山一 山二
place 乙 河一
moved 2020 乙 甲 镇一
merged 2021-05 甲 乙
ambiguous 河一
block 大甲区
";

    fn err_line(text: &str) -> (usize, String) {
        match Gazetteer::parse(text, "test") {
            Err(Error::DataFile {
                file,
                line,
                problem,
            }) => {
                assert_eq!(file, "test");
                (line, problem.to_string())
            }
            Err(e) => panic!("wrong error kind: {e}"),
            Ok(_) => panic!("parsed but should not:\n{text}"),
        }
    }

    #[test]
    fn parses_a_good_file() {
        let g = Gazetteer::parse(SMALL, "test").unwrap();
        assert_eq!(g.districts(), ["甲", "乙"]);
        assert_eq!(g.kind(DistrictId(1)), Some("县"));
        let a = DistrictId(0);
        let b = DistrictId(1);
        assert_eq!(
            g.aliases(),
            vec![
                ("甲区".to_string(), a),
                ("乙县".to_string(), b),
                ("乙州".to_string(), b),
                ("旧乙".to_string(), b),
            ]
        );
        for (name, want) in [
            ("甲", Some(a)),
            ("甲区", Some(a)),
            ("山二", Some(a)),
            ("乙州", Some(b)),
            ("旧乙", Some(b)),
            ("河一", Some(b)),
            ("镇一", Some(a)),
            ("大甲区", None),
            ("丙", None),
            ("", None),
        ] {
            assert_eq!(g.lookup(name), want, "lookup {name}");
        }
        assert!(g.is_ambiguous("河一"));
        assert!(!g.is_ambiguous("山一"));
        assert_eq!(g.former_district("镇一"), Some((b, "2020")));
        assert_eq!(g.former_district("山一"), None);
        let merges: Vec<_> = g.merges().collect();
        assert_eq!(merges, vec![(a, &[b][..], "2021-05")]);
        let words: Vec<&str> = g.words().collect();
        assert!(words.contains(&"大甲区") && words.contains(&"镇一") && words.contains(&"乙"));
        assert_eq!(words.len(), 11, "{words:?}");
    }

    #[test]
    fn tile_lines_place_districts_on_the_map_and_bad_ones_name_their_line() {
        let g = Gazetteer::parse(
            "tile 乙 3 0\ndistrict 甲 区 甲区\ndistrict 乙 县 乙县\n",
            "t",
        )
        .unwrap();
        let tile = Tile {
            district: DistrictId(1),
            column: 3,
            row: 0,
        };
        assert_eq!(g.tiles(), [tile], "甲 has no line, so no tile");
        let head = "district 甲 区 甲区\ndistrict 乙 县 乙县\ntile 甲 0 0\n";
        for (line, want) in [
            ("tile 丙 1 1", "`丙` is not a district"),
            ("tile 乙 1", "expected `tile 显示名 列 行`"),
            ("tile 乙 1 64", "tile position `64`"),
            ("tile 甲 1 1", "already has a tile on line 3"),
            (
                "tile 乙 0 0",
                "column 0, row 0 already holds the tile of line 3",
            ),
        ] {
            let (n, message) = err_line(&format!("{head}{line}\n"));
            assert_eq!(n, 4, "{line}");
            assert!(message.contains(want), "{line}: {message}");
        }
    }

    #[test]
    fn every_built_in_district_has_one_tile_of_its_own() {
        let g = Gazetteer::chongqing();
        let city = g.city();
        let districts: Vec<DistrictId> = (0..g.districts().len())
            .map(|i| DistrictId(i as u16))
            .filter(|id| Some(*id) != city)
            .collect();
        assert!(districts.len() >= 38);
        let placed: Vec<DistrictId> = g.tiles().iter().map(|t| t.district).collect();
        assert_eq!(
            placed.len(),
            districts.len(),
            "one tile per district, none for 全市"
        );
        for id in districts {
            assert!(
                placed.contains(&id),
                "{} has no tile",
                g.districts()[usize::from(id.0)]
            );
        }
    }

    #[test]
    fn references_may_come_before_the_district_line() {
        let g = Gazetteer::parse("place 甲 山\ndistrict 甲 区 甲区\n", "t").unwrap();
        assert_eq!(g.lookup("山"), Some(DistrictId(0)));
    }

    #[test]
    fn unit_whose_full_name_is_its_display_name() {
        let g = Gazetteer::parse("district 新区甲 新区 新区甲 甲新区\n", "t").unwrap();
        assert_eq!(g.aliases(), vec![("甲新区".to_string(), DistrictId(0))]);
    }

    #[test]
    fn empty_and_comment_only_files_parse_empty() {
        for text in ["", "\n\n", "# only\n  # comments\n", "\u{feff}"] {
            let g = Gazetteer::parse(text, "t").unwrap();
            assert!(g.districts().is_empty() && g.words().next().is_none());
        }
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            (
                "district 甲 区 甲区\nplace 甲 山\n\nplace 甲 山\n",
                4,
                "already defined on line 2",
            ),
            (
                "district 甲 区 甲区\n# c\ndistrict 甲 县 甲县\n",
                3,
                "already defined on line 1",
            ),
            (
                "district 甲 区 甲区\nplace 甲 甲区\n",
                2,
                "already defined on line 1",
            ),
            ("district 甲 区 甲区\nalias 丙 丙区\n", 2, "not a district"),
            ("district 甲 区 甲区\nplace 丙 山\n", 2, "not a district"),
            ("district 甲 区 甲区\nambiguous 山\n", 2, "not a name"),
            ("district 甲 区\n", 1, "expected `district"),
            ("district 甲 区 甲区\nplace 甲\n", 2, "expected `place"),
            ("district 甲 区 甲区\nwhat 甲\n", 2, "unknown record"),
            (
                "district 甲 区 甲区\nalias 甲 旧甲 since=2000\n",
                2,
                "unknown attribute",
            ),
            (
                "district 甲 区 甲区\nalias 甲 旧甲 until=20\n",
                2,
                "bad date",
            ),
            (
                "district 甲 区 甲区\ndistrict 乙 区 乙区\nmoved 2020-13 甲 乙 镇\n",
                3,
                "bad date",
            ),
            (
                "district 甲 区 甲区\nmoved 2020 甲 甲 镇\n",
                2,
                "two different",
            ),
            (
                "district 甲 区 甲区\nmoved 2020 甲 丁 镇\n",
                2,
                "not a district",
            ),
            (
                "district 甲 区 甲区\nmerged 2020 甲 甲\n",
                2,
                "merged into itself",
            ),
            ("district 甲 区 甲区\nblock 甲区\n", 2, "already defined"),
            (
                "district 甲 区 甲区\ndistrict 乙 区 乙区\ndistrict 丙 区 丙区\n\
                 moved 2010 甲 乙 镇\nmoved 2020 甲 丙 镇\n",
                5,
                "not in",
            ),
            (
                "district 甲 区 甲区\ndistrict 乙 区 乙区\n\
                 moved 2010 甲 乙 镇\nmoved 2010 乙 甲 镇\n",
                4,
                "moves twice",
            ),
            (
                "district 甲 区 甲区\ndistrict 乙 区 乙区\nplace 甲 镇\nmoved 2010 甲 乙 镇\n",
                4,
                "already defined on line 3",
            ),
        ];
        for (text, line, needle) in cases {
            let (got_line, detail) = err_line(text);
            assert_eq!(got_line, *line, "line for {text:?}: {detail}");
            assert!(
                detail.contains(needle),
                "detail {detail:?} should say {needle:?}"
            );
        }
    }

    #[test]
    fn a_chain_of_moves_maps_to_the_last_district() {
        let g = Gazetteer::parse(
            "district 甲 区 甲区\ndistrict 乙 区 乙区\ndistrict 丙 区 丙区\n\
             moved 2020-01 乙 丙 镇\nmoved 2010 甲 乙 镇\n",
            "t",
        )
        .unwrap();
        assert_eq!(g.lookup("镇"), Some(DistrictId(2)));
        assert_eq!(g.former_district("镇"), Some((DistrictId(1), "2020-01")));
    }

    #[test]
    fn embedded_chongqing_gazetteer() {
        let g = Gazetteer::parse(EMBEDDED, "gazetteer").expect("data/gazetteer.txt must parse");
        let d = g.districts();
        let kinds: Vec<&str> = (0..d.len())
            .map(|i| g.kind(DistrictId(i as u16)).unwrap())
            .collect();
        assert_eq!(
            kinds.iter().filter(|k| **k == "区").count(),
            26,
            "data/gazetteer.txt"
        );
        assert_eq!(
            kinds.iter().filter(|k| **k == "县").count(),
            8,
            "data/gazetteer.txt"
        );
        assert_eq!(
            kinds.iter().filter(|k| **k == "自治县").count(),
            4,
            "data/gazetteer.txt"
        );
        for unit in ["两江新区", "万盛", "重庆高新区"] {
            assert!(d.iter().any(|x| x == unit), "unit {unit} missing");
        }
        assert_eq!(d.len(), 42, "41 units and the city unit");
        assert_eq!(g.city().map(|c| d[usize::from(c.0)].as_str()), Some("全市"));
        assert!(g.is_city_name("重庆") && g.is_citywide("我市"));
        assert_eq!(g.until("双桥区"), Some("2011-10"));
        let id = |n: &str| g.lookup(n).map(|i| d[usize::from(i.0)].as_str());
        for (name, want) in [
            ("北碚", "北碚"),
            ("北碚区", "北碚"),
            ("缙云山", "北碚"),
            ("北温泉", "北碚"),
            ("西南大学", "北碚"),
            ("统景", "北碚"),
            ("茨竹镇", "北碚"),
            ("仙桃数据谷", "渝北"),
            ("江北国际机场", "渝北"),
            ("解放碑", "渝中"),
            ("洪崖洞", "渝中"),
            ("磁器口", "沙坪坝"),
            ("石柱土家族自治县", "石柱"),
            ("开县", "开州"),
            ("两江新区", "两江新区"),
            ("万盛经开区", "万盛"),
        ] {
            assert_eq!(id(name), Some(want), "{name} in data/gazetteer.txt");
        }
        assert_eq!(g.lookup("长江北岸"), None);
        let beibei = g.lookup("北碚").unwrap();
        let yubei = g.lookup("渝北").unwrap();
        assert_eq!(g.former_district("大湾"), Some((yubei, "2025")));
        assert_eq!(g.lookup("大湾"), Some(beibei));
        assert!(g.is_ambiguous("长寿") && !g.is_ambiguous("北碚"));
        assert_eq!(Gazetteer::chongqing().districts().len(), 42);
    }
}
