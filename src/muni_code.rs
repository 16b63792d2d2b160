//! 全国地方公共団体コード: the 6-digit code (5 digits and a check digit) that identifies every
//! prefecture and municipality, as published by 総務省.

use std::fmt;
use std::str::FromStr;

/// A validated 全国地方公共団体コード (e.g. 常総市 `082112`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MuniCode([u8; 6]);

/// Why a code was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MuniCodeError {
    /// Not six ASCII digits.
    Shape(String),
    /// The check digit does not match the first five digits.
    CheckDigit {
        /// The code as written.
        code: String,
        /// The check digit the first five digits call for.
        expected: u8,
    },
    /// The prefecture part (first two digits) is not 01–47.
    Prefecture(String),
}

impl fmt::Display for MuniCodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MuniCodeError::Shape(s) => write!(
                f,
                "\"{s}\" is not a 全国地方公共団体コード: expected 6 digits (5 digits and a check digit)"
            ),
            MuniCodeError::CheckDigit { code, expected } => write!(
                f,
                "check digit of {code} is wrong: the first five digits {} call for {expected}",
                &code[..5]
            ),
            MuniCodeError::Prefecture(s) => {
                write!(
                    f,
                    "\"{s}\" has no prefecture: the first two digits must be 01–47"
                )
            }
        }
    }
}

impl std::error::Error for MuniCodeError {}

/// The check digit 総務省 defines: the five digits weighted 6,5,4,3,2, summed; 11 minus the
/// remainder by 11, keeping only its last digit (a result of 10 gives 0 and 11 gives 1).
pub fn check_digit(five: &[u8; 5]) -> u8 {
    let sum: u32 = five
        .iter()
        .zip([6u32, 5, 4, 3, 2])
        .map(|(d, w)| *d as u32 * w)
        .sum();
    ((11 - sum % 11) % 10) as u8
}

impl MuniCode {
    /// The two-digit prefecture number (茨城県 = 8).
    pub fn prefecture(self) -> u8 {
        self.0[0] * 10 + self.0[1]
    }
}

impl FromStr for MuniCode {
    type Err = MuniCodeError;

    fn from_str(s: &str) -> Result<MuniCode, MuniCodeError> {
        let bytes = s.as_bytes();
        if bytes.len() != 6 || !bytes.iter().all(u8::is_ascii_digit) {
            return Err(MuniCodeError::Shape(s.to_string()));
        }
        let mut digits = [0u8; 6];
        for (d, b) in digits.iter_mut().zip(bytes) {
            *d = b - b'0';
        }
        let code = MuniCode(digits);
        if !(1..=47).contains(&code.prefecture()) {
            return Err(MuniCodeError::Prefecture(s.to_string()));
        }
        let five = [digits[0], digits[1], digits[2], digits[3], digits[4]];
        let expected = check_digit(&five);
        if expected != digits[5] {
            return Err(MuniCodeError::CheckDigit {
                code: s.to_string(),
                expected,
            });
        }
        Ok(code)
    }
}

impl fmt::Display for MuniCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0 {
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_published_codes() {
        // 総務省「全国地方公共団体コード」: prefectures and the seed municipalities.
        for code in [
            "010006", "130001", "080004", "082015", "082104", "082112", "082350", "131016",
            "271004", "472018",
        ] {
            assert!(code.parse::<MuniCode>().is_ok(), "{code} should be valid");
        }
    }

    #[test]
    fn rejects_a_wrong_check_digit_and_names_the_right_one() {
        assert_eq!(
            "082113".parse::<MuniCode>(),
            Err(MuniCodeError::CheckDigit {
                code: "082113".into(),
                expected: 2
            })
        );
    }

    #[test]
    fn rejects_bad_shapes_and_prefectures() {
        for bad in ["08211", "0821122", "08211a", "０８２１１２", "", "482102"] {
            assert!(bad.parse::<MuniCode>().is_err(), "{bad}");
        }
        assert!(matches!(
            "000000".parse::<MuniCode>(),
            Err(MuniCodeError::Prefecture(_))
        ));
    }

    #[test]
    fn check_digit_edge_cases() {
        // sum % 11 == 1 → 10 → 0 (つくばみらい市 08235: sum 67)
        assert_eq!(check_digit(&[0, 8, 2, 3, 5]), 0);
        // 0,0,0,2,4: 3*2 + 2*4 = 14 → 14 % 11 = 3 → 11 - 3 = 8
        assert_eq!(check_digit(&[0, 0, 0, 2, 4]), 8);
        // sum % 11 == 0 → 11 → 1: 1,1,0,0,0 weighs 6 + 5 = 11
        assert_eq!(check_digit(&[1, 1, 0, 0, 0]), 1);
    }
}
