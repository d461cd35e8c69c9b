//! Concrete bitvectors of any width, with SMT-LIB semantics.
//!
//! Up to 128 bits everything is `u128` arithmetic. Wider values only arise
//! from concatenations; they support the structural and bitwise operations
//! plus add/sub/compare/shift, and report multiplication and division as
//! unsupported rather than guessing.

use std::cmp::Ordering;
use std::fmt;

/// A bitvector: little-endian 64-bit limbs, bits at and above `width` zero.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Bits {
    width: u32,
    limbs: Vec<u64>,
}

fn limbs_for(width: u32) -> usize {
    (width as usize).div_ceil(64).max(1)
}

impl Bits {
    pub fn zero(width: u32) -> Bits {
        Bits { width, limbs: vec![0; limbs_for(width)] }
    }

    /// `value` truncated to `width` bits.
    pub fn new(width: u32, value: u128) -> Bits {
        let mut b = Bits::zero(width);
        b.limbs[0] = value as u64;
        if b.limbs.len() > 1 {
            b.limbs[1] = (value >> 64) as u64;
        }
        b.normalize();
        b
    }

    pub fn ones(width: u32) -> Bits {
        let mut b = Bits { width, limbs: vec![u64::MAX; limbs_for(width)] };
        b.normalize();
        b
    }

    /// Parses an unsigned decimal numeral (as Z3 prints them).
    pub fn from_decimal(width: u32, text: &str) -> Option<Bits> {
        let mut b = Bits::zero(width);
        // Enough limbs for the numeral itself, truncated at the end.
        let mut acc: Vec<u64> = vec![0; limbs_for(width) + 1];
        for ch in text.trim().chars() {
            let d = ch.to_digit(10)? as u128;
            let mut carry = d;
            for limb in acc.iter_mut() {
                let v = (*limb as u128) * 10 + carry;
                *limb = v as u64;
                carry = v >> 64;
            }
        }
        let n = b.limbs.len();
        b.limbs.copy_from_slice(&acc[..n]);
        b.normalize();
        Some(b)
    }

    fn normalize(&mut self) {
        let n = limbs_for(self.width);
        self.limbs.truncate(n);
        let rem = self.width % 64;
        if rem != 0 {
            self.limbs[n - 1] &= (1u64 << rem) - 1;
        }
        if self.width == 0 {
            self.limbs[0] = 0;
        }
    }

    /// Unsigned decimal numeral.
    pub fn to_decimal(&self) -> String {
        let mut limbs = self.limbs.clone();
        let mut digits = Vec::new();
        loop {
            let mut rem = 0u128;
            for l in limbs.iter_mut().rev() {
                let cur = (rem << 64) | *l as u128;
                *l = (cur / 10) as u64;
                rem = cur % 10;
            }
            digits.push(b'0' + rem as u8);
            if limbs.iter().all(|&l| l == 0) {
                break;
            }
        }
        digits.reverse();
        String::from_utf8(digits).expect("ascii digits")
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    /// The value if it fits in 128 bits.
    pub fn to_u128(&self) -> Option<u128> {
        if self.limbs.iter().skip(2).any(|&l| l != 0) {
            return None;
        }
        let lo = self.limbs[0] as u128;
        let hi = self.limbs.get(1).copied().unwrap_or(0) as u128;
        Some(lo | hi << 64)
    }

    /// The value as `u128`; only for widths <= 128 (callers check).
    fn small(&self) -> u128 {
        self.to_u128().expect("width <= 128")
    }

    fn is_small(&self) -> bool {
        self.width <= 128
    }

    pub fn bit(&self, i: u32) -> bool {
        i < self.width && (self.limbs[(i / 64) as usize] >> (i % 64)) & 1 == 1
    }

    fn set_bit(&mut self, i: u32, v: bool) {
        let (l, s) = ((i / 64) as usize, i % 64);
        if v {
            self.limbs[l] |= 1 << s;
        } else {
            self.limbs[l] &= !(1 << s);
        }
    }

    pub fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    pub fn msb(&self) -> bool {
        self.width > 0 && self.bit(self.width - 1)
    }

    fn zip(&self, other: &Bits, f: impl Fn(u64, u64) -> u64) -> Bits {
        let mut out = Bits {
            width: self.width,
            limbs: self.limbs.iter().zip(&other.limbs).map(|(a, b)| f(*a, *b)).collect(),
        };
        out.normalize();
        out
    }

    pub fn not(&self) -> Bits {
        let mut out = Bits { width: self.width, limbs: self.limbs.iter().map(|l| !l).collect() };
        out.normalize();
        out
    }
    pub fn and(&self, o: &Bits) -> Bits {
        self.zip(o, |a, b| a & b)
    }
    pub fn or(&self, o: &Bits) -> Bits {
        self.zip(o, |a, b| a | b)
    }
    pub fn xor(&self, o: &Bits) -> Bits {
        self.zip(o, |a, b| a ^ b)
    }

    pub fn add(&self, o: &Bits) -> Bits {
        let mut out = Bits::zero(self.width);
        let mut carry = 0u128;
        for i in 0..self.limbs.len() {
            let s = self.limbs[i] as u128 + o.limbs[i] as u128 + carry;
            out.limbs[i] = s as u64;
            carry = s >> 64;
        }
        out.normalize();
        out
    }
    pub fn neg(&self) -> Bits {
        self.not().add(&Bits::new(self.width, 1))
    }
    pub fn sub(&self, o: &Bits) -> Bits {
        self.add(&o.neg())
    }

    pub fn mul(&self, o: &Bits) -> Option<Bits> {
        self.is_small().then(|| Bits::new(self.width, self.small().wrapping_mul(o.small())))
    }
    /// SMT-LIB: division by zero gives all ones.
    pub fn udiv(&self, o: &Bits) -> Option<Bits> {
        if !self.is_small() {
            return None;
        }
        Some(match o.small() {
            0 => Bits::ones(self.width),
            d => Bits::new(self.width, self.small() / d),
        })
    }
    /// SMT-LIB: remainder by zero is the dividend.
    pub fn urem(&self, o: &Bits) -> Option<Bits> {
        if !self.is_small() {
            return None;
        }
        Some(match o.small() {
            0 => self.clone(),
            d => Bits::new(self.width, self.small() % d),
        })
    }
    /// SMT-LIB `bvsdiv`, defined through `bvudiv` on magnitudes.
    pub fn sdiv(&self, o: &Bits) -> Option<Bits> {
        let (ms, mt) = (self.msb(), o.msb());
        let abs = |b: &Bits, m: bool| if m { b.neg() } else { b.clone() };
        let q = abs(self, ms).udiv(&abs(o, mt))?;
        Some(if ms != mt { q.neg() } else { q })
    }
    /// SMT-LIB `bvsrem`: the sign follows the dividend.
    pub fn srem(&self, o: &Bits) -> Option<Bits> {
        let (ms, mt) = (self.msb(), o.msb());
        let abs = |b: &Bits, m: bool| if m { b.neg() } else { b.clone() };
        let r = abs(self, ms).urem(&abs(o, mt))?;
        Some(if ms { r.neg() } else { r })
    }

    /// Unsigned value saturated to `u32::MAX` (for shift/rotate amounts).
    pub fn saturating_u32(&self) -> u32 {
        match self.to_u128() {
            Some(v) if v <= u32::MAX as u128 => v as u32,
            _ => u32::MAX,
        }
    }

    /// `self mod m` for a small modulus (rotate amounts).
    pub fn mod_small(&self, m: u32) -> u32 {
        let m = m as u128;
        let mut r = 0u128;
        for i in (0..self.width).rev() {
            r = (r * 2 + self.bit(i) as u128) % m;
        }
        r as u32
    }

    pub fn shl(&self, n: u32) -> Bits {
        let mut out = Bits::zero(self.width);
        for i in n..self.width {
            out.set_bit(i, self.bit(i - n));
        }
        out
    }
    pub fn lshr(&self, n: u32) -> Bits {
        let mut out = Bits::zero(self.width);
        for i in 0..self.width.saturating_sub(n) {
            out.set_bit(i, self.bit(i + n));
        }
        out
    }
    pub fn ashr(&self, n: u32) -> Bits {
        let fill = self.msb();
        let mut out = if fill { Bits::ones(self.width) } else { Bits::zero(self.width) };
        for i in 0..self.width.saturating_sub(n) {
            out.set_bit(i, self.bit(i + n));
        }
        out
    }

    pub fn extract(&self, hi: u32, lo: u32) -> Bits {
        let mut out = Bits::zero(hi - lo + 1);
        for i in lo..=hi {
            out.set_bit(i - lo, self.bit(i));
        }
        out
    }
    pub fn zero_ext(&self, width: u32) -> Bits {
        let mut out = Bits::zero(width);
        out.limbs[..self.limbs.len()].copy_from_slice(&self.limbs);
        out
    }
    pub fn sign_ext(&self, width: u32) -> Bits {
        let mut out = self.zero_ext(width);
        if self.msb() {
            for i in self.width..width {
                out.set_bit(i, true);
            }
        }
        out
    }
    /// `self` supplies the high bits.
    pub fn concat(&self, lo: &Bits) -> Bits {
        let mut out = lo.zero_ext(self.width + lo.width);
        for i in 0..self.width {
            out.set_bit(lo.width + i, self.bit(i));
        }
        out
    }

    pub fn cmp_unsigned(&self, o: &Bits) -> Ordering {
        self.limbs.iter().rev().cmp(o.limbs.iter().rev())
    }
    pub fn cmp_signed(&self, o: &Bits) -> Ordering {
        match (self.msb(), o.msb()) {
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            _ => self.cmp_unsigned(o),
        }
    }

    pub fn count_ones(&self) -> u32 {
        self.limbs.iter().map(|l| l.count_ones()).sum()
    }
    pub fn leading_zeros(&self) -> u32 {
        (0..self.width).rev().take_while(|&i| !self.bit(i)).count() as u32
    }
    pub fn reverse_bits(&self) -> Bits {
        let mut out = Bits::zero(self.width);
        for i in 0..self.width {
            out.set_bit(self.width - 1 - i, self.bit(i));
        }
        out
    }
}

impl fmt::Display for Bits {
    /// `#x…` when the width is a multiple of 4, else `#b…` (SMT-LIB style).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.width % 4 == 0 {
            write!(f, "#x")?;
            for d in (0..self.width / 4).rev() {
                let nib = (0..4).fold(0u32, |acc, k| acc | (self.bit(d * 4 + k) as u32) << k);
                write!(f, "{:x}", nib)?;
            }
        } else {
            write!(f, "#b")?;
            for i in (0..self.width).rev() {
                write!(f, "{}", self.bit(i) as u8)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_round_trips() {
        let a = Bits::new(64, 0x1234_5678_9abc_def0);
        let b = Bits::new(128, u128::MAX - 5);
        let c = a.concat(&b); // 192 bits
        assert_eq!(c.width(), 192);
        assert_eq!(c.extract(191, 128), a);
        assert_eq!(c.extract(127, 0), b);
        assert_eq!(c.to_string().len(), 2 + 48);
        let d = Bits::from_decimal(192, "6277101735386680763835789423207666416102355444464034512895").unwrap();
        assert_eq!(d, Bits::ones(192));
        assert_eq!(Bits::from_decimal(192, &c.to_decimal()).unwrap(), c);
    }

    #[test]
    fn smt_division_by_zero() {
        let x = Bits::new(8, 0x85);
        let z = Bits::zero(8);
        assert_eq!(x.udiv(&z).unwrap(), Bits::ones(8));
        assert_eq!(x.urem(&z).unwrap(), x);
        // bvsdiv of a negative by zero: -(|x| / 0) = -(all ones) = 1
        assert_eq!(x.sdiv(&z).unwrap(), Bits::new(8, 1));
        assert_eq!(x.srem(&z).unwrap(), x);
        assert_eq!(Bits::new(8, 0xf9).srem(&Bits::new(8, 2)).unwrap(), Bits::new(8, 0xff)); // -7 rem 2 = -1
    }

    #[test]
    fn shifts_and_counts() {
        let x = Bits::new(8, 0b1001_0110);
        assert_eq!(x.shl(3), Bits::new(8, 0b1011_0000));
        assert_eq!(x.ashr(2), Bits::new(8, 0b1110_0101));
        assert_eq!(x.lshr(9), Bits::zero(8));
        assert_eq!(x.leading_zeros(), 0);
        assert_eq!(x.count_ones(), 4);
        assert_eq!(x.reverse_bits(), Bits::new(8, 0b0110_1001));
        assert_eq!(x.mod_small(5), 0x96 % 5);
    }
}
