//! The checks every constructor runs on its numbers: each returns the value (with -0.0 made 0)
//! or an [`Error::InvalidParameter`] naming the parameter, the value and the rule.

use crate::error::{Error, Result};

/// Checks that `value` is finite and `>= 0`, naming it `name` in the error.
pub(crate) fn non_negative(name: &'static str, value: f64) -> Result<f64> {
    if value >= 0.0 && value.is_finite() {
        // -0.0 counts as 0 (rand_distr#44): normalise it so it never prints as "-0".
        Ok(value + 0.0)
    } else {
        Err(Error::invalid(name, value, "a finite number >= 0"))
    }
}

/// Checks that `value` is finite and `> 0`, naming it `name` in the error.
pub(crate) fn positive(name: &'static str, value: f64) -> Result<f64> {
    if value > 0.0 && value.is_finite() {
        Ok(value)
    } else {
        Err(Error::invalid(name, value, "a finite number > 0"))
    }
}

/// Checks that `value` is a probability in `[0, 1]`, naming it `name` in the error.
pub(crate) fn probability(name: &'static str, value: f64) -> Result<f64> {
    unit_interval(name, value, "a probability in [0, 1]")
}

/// Checks that `value` lies in `[0, 1]` (NaN fails), naming it `name` and the rule `expected`
/// (which says what the number is: a probability, a fraction, a share) in the error.
pub(crate) fn unit_interval(name: &'static str, value: f64, expected: &'static str) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        // -0.0 counts as 0, as in `non_negative`.
        Ok(value + 0.0)
    } else {
        Err(Error::invalid(name, value, expected))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_parameter_value_and_rule() {
        let e = non_negative("rate", -1.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid rate: -1 (expected a finite number >= 0)"
        );
    }

    #[test]
    fn nan_and_infinity_fail_every_check() {
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert!(non_negative("x", bad).is_err());
            assert!(positive("x", bad).is_err());
            assert!(probability("x", bad).is_err());
        }
    }

    #[test]
    fn negative_zero_is_zero() {
        let v = non_negative("x", -0.0).unwrap();
        assert!(v == 0.0 && v.is_sign_positive());
        assert!(positive("x", -0.0).is_err());
        assert!(probability("p", -0.0).unwrap().is_sign_positive());
    }
}
