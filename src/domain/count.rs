//! Counts kept in signed database columns (SQL has no unsigned integer), read back as the
//! unsigned numbers they are.

/// A stored count below zero: no count is, so the row is wrong. It is an error, never read as
/// 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a stored count is negative ({0})")]
pub struct NegativeCount(pub i64);

/// A count stored as `i32` (a capacity, a cap, a weight, a year of study), as a `u32`; a
/// negative one is an error.
pub fn stored_count(stored: i32) -> Result<u32, NegativeCount> {
    u32::try_from(stored).map_err(|_| NegativeCount(stored.into()))
}

/// A count a query returned as `i64` (`COUNT(*)`, a sum), as a `u64`; a negative one is an
/// error.
pub fn counted(count: i64) -> Result<u64, NegativeCount> {
    u64::try_from(count).map_err(|_| NegativeCount(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_reads_as_itself_and_a_negative_one_is_an_error() {
        assert_eq!(stored_count(0), Ok(0));
        assert_eq!(stored_count(3), Ok(3));
        assert_eq!(stored_count(i32::MAX), Ok(2_147_483_647));
        assert_eq!(stored_count(-1), Err(NegativeCount(-1)));
        assert_eq!(stored_count(i32::MIN), Err(NegativeCount(i32::MIN.into())));
        assert_eq!(counted(0), Ok(0));
        assert_eq!(counted(i64::MAX), Ok(9_223_372_036_854_775_807));
        assert_eq!(counted(-5), Err(NegativeCount(-5)));
        assert_eq!(
            NegativeCount(-2).to_string(),
            "a stored count is negative (-2)"
        );
    }
}
