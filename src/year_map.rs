//! [`YearMap`]: values keyed by fiscal year, as a short sorted vector.
//!
//! A sheet's year series (an indicator's targets and actuals, a measure's schedule, a project's
//! history) hold a handful of years. A `BTreeMap` allocates a node of eleven slots for even one
//! entry, which made year series a third of the model's memory at 10,000 sheets; a vector sized
//! to its entries holds the same in a fraction, keeps them in year order, and finds a year by
//! binary search. The methods mirror the `BTreeMap` ones the pipeline uses.

use crate::fiscal_year::FiscalYear;
use std::ops::RangeBounds;

/// Values keyed by fiscal year, in ascending year order, each year at most once.
#[derive(Debug, Clone, PartialEq)]
pub struct YearMap<T> {
    entries: Vec<(FiscalYear, T)>,
}

impl<T> Default for YearMap<T> {
    fn default() -> Self {
        YearMap {
            entries: Vec::new(),
        }
    }
}

impl<T> YearMap<T> {
    /// An empty map.
    pub fn new() -> Self {
        YearMap::default()
    }

    fn find(&self, year: FiscalYear) -> Result<usize, usize> {
        self.entries.binary_search_by_key(&year, |(y, _)| *y)
    }

    /// Sets a year's value; returns the value it replaces, if any.
    pub fn insert(&mut self, year: FiscalYear, value: T) -> Option<T> {
        match self.find(year) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                // Grown one slot at a time: a series holds a handful of years and is built once,
                // so room kept for years never added would only be memory lost.
                self.entries.reserve_exact(1);
                self.entries.insert(i, (year, value));
                None
            }
        }
    }

    /// A year's value.
    pub fn get(&self, year: &FiscalYear) -> Option<&T> {
        self.find(*year).ok().map(|i| &self.entries[i].1)
    }

    /// A year's value, to change.
    pub fn get_mut(&mut self, year: &FiscalYear) -> Option<&mut T> {
        self.find(*year).ok().map(|i| &mut self.entries[i].1)
    }

    /// Takes a year's value out.
    pub fn remove(&mut self, year: &FiscalYear) -> Option<T> {
        self.find(*year).ok().map(|i| self.entries.remove(i).1)
    }

    /// Whether the year has a value.
    pub fn contains_key(&self, year: &FiscalYear) -> bool {
        self.find(*year).is_ok()
    }

    /// A year's value, inserted with `T::default()` when absent.
    pub fn get_or_default(&mut self, year: FiscalYear) -> &mut T
    where
        T: Default,
    {
        let i = match self.find(year) {
            Ok(i) => i,
            Err(i) => {
                self.entries.reserve_exact(1);
                self.entries.insert(i, (year, T::default()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The years and values, ascending.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&FiscalYear, &T)> + ExactSizeIterator {
        self.entries.iter().map(|(y, v)| (y, v))
    }

    /// The years, ascending.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &FiscalYear> + ExactSizeIterator {
        self.entries.iter().map(|(y, _)| y)
    }

    /// The values, by ascending year.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The values, by ascending year, to change.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut T> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    /// The years and values within `range`, ascending.
    pub fn range<R: RangeBounds<FiscalYear>>(
        &self,
        range: R,
    ) -> impl DoubleEndedIterator<Item = (&FiscalYear, &T)> {
        self.iter().filter(move |(y, _)| range.contains(y))
    }

    /// The latest year and its value.
    pub fn last_key_value(&self) -> Option<(&FiscalYear, &T)> {
        self.entries.last().map(|(y, v)| (y, v))
    }

    /// The earliest year and its value.
    pub fn first_key_value(&self) -> Option<(&FiscalYear, &T)> {
        self.entries.first().map(|(y, v)| (y, v))
    }

    /// How many years have a value.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no year has a value.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Forgets every year.
    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<T> std::ops::Index<&FiscalYear> for YearMap<T> {
    type Output = T;

    /// The year's value; panics when the year has none, as a `BTreeMap` does.
    fn index(&self, year: &FiscalYear) -> &T {
        self.get(year).expect("no value for this fiscal year")
    }
}

impl<T> FromIterator<(FiscalYear, T)> for YearMap<T> {
    /// Later values of a year replace earlier ones, as in a `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (FiscalYear, T)>>(iter: I) -> Self {
        let mut map = YearMap::new();
        for (y, v) in iter {
            map.insert(y, v);
        }
        map
    }
}

impl<T, const N: usize> From<[(FiscalYear, T); N]> for YearMap<T> {
    fn from(entries: [(FiscalYear, T); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a YearMap<T> {
    type Item = (&'a FiscalYear, &'a T);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (FiscalYear, T)>,
        fn(&'a (FiscalYear, T)) -> (&'a FiscalYear, &'a T),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(y, v)| (y, v))
    }
}

impl<T> IntoIterator for YearMap<T> {
    type Item = (FiscalYear, T);
    type IntoIter = std::vec::IntoIter<(FiscalYear, T)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i64) -> FiscalYear {
        FiscalYear::new(y).unwrap()
    }

    #[test]
    fn keeps_years_in_order_and_once() {
        let mut m = YearMap::new();
        assert_eq!(m.insert(fy(2024), "c"), None);
        assert_eq!(m.insert(fy(2020), "a"), None);
        assert_eq!(m.insert(fy(2022), "b"), None);
        assert_eq!(m.insert(fy(2022), "B"), Some("b"));
        assert_eq!(
            m.entries.capacity(),
            3,
            "no room kept for years never added"
        );
        let years: Vec<u16> = m.keys().map(|y| y.year()).collect();
        assert_eq!(years, [2020, 2022, 2024]);
        assert_eq!(m.get(&fy(2022)), Some(&"B"));
        assert_eq!(m.get(&fy(2021)), None);
        assert_eq!(m.last_key_value(), Some((&fy(2024), &"c")));
        assert_eq!(m.remove(&fy(2024)), Some("c"));
        assert_eq!(m.remove(&fy(2024)), None);
        m.insert(fy(2024), "c");
        let upto: Vec<&str> = m.range(..=fy(2022)).map(|(_, v)| *v).collect();
        assert_eq!(upto, ["a", "B"]);
    }

    #[test]
    fn collects_like_a_btree_map() {
        let pairs = [(fy(2023), 3), (fy(2021), 1), (fy(2023), 4)];
        let ours: YearMap<i32> = pairs.into_iter().collect();
        let theirs: std::collections::BTreeMap<FiscalYear, i32> = pairs.into_iter().collect();
        assert!(ours.iter().eq(theirs.iter()));
    }
}
