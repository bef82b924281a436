//! Which page of a long list to show, from what the address asked for: a page number that is
//! not a number, or is before the first page, shows the first; one past the end shows the last,
//! so a link kept from when the list was longer still shows something.

/// One page of a list of `total` items, `per_page` at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    /// The page shown, from 1.
    pub number: u64,
    /// How many pages there are: at least 1, even for an empty list.
    pub count: u64,
    /// Items a page.
    pub per_page: u64,
    /// Items in the whole list.
    pub total: u64,
}

impl Paging {
    /// The page asked for in the address (`?page=N`), kept within the list's pages.
    pub fn of(requested: &str, total: u64, per_page: u64) -> Paging {
        let per_page = per_page.max(1);
        let count = total.div_ceil(per_page).max(1);
        let number = requested.trim().parse::<u64>().unwrap_or(1).clamp(1, count);
        Paging {
            number,
            count,
            per_page,
            total,
        }
    }

    /// How many items come before this page.
    pub fn offset(&self) -> u64 {
        (self.number - 1) * self.per_page
    }

    /// The position of the page's first item, from 1 (0 for an empty list).
    pub fn first_shown(&self) -> u64 {
        if self.total == 0 {
            0
        } else {
            self.offset() + 1
        }
    }

    /// The position of the page's last item.
    pub fn last_shown(&self) -> u64 {
        (self.offset() + self.per_page).min(self.total)
    }

    /// The page before, if any.
    pub fn previous(&self) -> Option<u64> {
        (self.number > 1).then(|| self.number - 1)
    }

    /// The page after, if any.
    pub fn next(&self) -> Option<u64> {
        (self.number < self.count).then(|| self.number + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_in_range_is_shown_with_its_neighbours() {
        let p = Paging::of("2", 120, 50);
        assert_eq!((p.number, p.count), (2, 3));
        assert_eq!((p.offset(), p.first_shown(), p.last_shown()), (50, 51, 100));
        assert_eq!((p.previous(), p.next()), (Some(1), Some(3)));
        let last = Paging::of("3", 120, 50);
        assert_eq!((last.first_shown(), last.last_shown()), (101, 120));
        assert_eq!(last.next(), None);
    }

    #[test]
    fn a_bad_or_missing_page_is_the_first_and_one_past_the_end_the_last() {
        for bad in ["", "abc", "0", "-1", "1.5", "99999999999999999999999"] {
            assert_eq!(Paging::of(bad, 120, 50).number, 1, "{bad}");
        }
        assert_eq!(Paging::of(" 2 ", 120, 50).number, 2);
        assert_eq!(Paging::of("4", 120, 50).number, 3);
        assert_eq!(Paging::of("18446744073709551615", 120, 50).number, 3);
    }

    #[test]
    fn an_empty_list_has_one_empty_page() {
        let p = Paging::of("7", 0, 50);
        assert_eq!((p.number, p.count, p.offset()), (1, 1, 0));
        assert_eq!((p.first_shown(), p.last_shown()), (0, 0));
        assert_eq!((p.previous(), p.next()), (None, None));
        let exact = Paging::of("2", 100, 50);
        assert_eq!(
            (exact.count, exact.last_shown(), exact.next()),
            (2, 100, None)
        );
    }
}
