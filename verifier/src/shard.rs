//! `--shard K/N`: N CI jobs that together check every type instance once.
//!
//! An instance's shard is a hash of its identity (root rule, chain, type
//! instance and, for identities that repeat, the repetition's number), so
//! the split is the same on every run and machine, and adding or removing a
//! rule moves only that rule's instances.

use crate::cache::Hash;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard K/N with 1 <= K <= N (e.g. 2/3)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) = (k.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
        if index == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Assigns identities to shards; feed it instances in their (deterministic)
/// pipeline order.
#[derive(Default)]
pub struct Splitter {
    seen: HashMap<String, u32>,
}

impl Splitter {
    /// Whether the instance `rule`/`chain`/`types` belongs to `shard`.
    pub fn keeps(&mut self, shard: Shard, rule: &str, chain: &[String], types: &str) -> bool {
        let identity = format!("{rule}\0{}\0{types}", chain.join("\0"));
        let n = self.seen.entry(identity.clone()).or_insert(0);
        *n += 1;
        let h = Hash::of(format!("{identity}\0{n}").as_bytes());
        let low = u64::from_le_bytes(h.0[..8].try_into().expect("8 bytes"));
        (low % u64::from(shard.count)) as u32 + 1 == shard.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/3", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_the_instances() {
        let items: Vec<(String, String)> =
            (0..500).map(|i| (format!("rule{}", i / 3), format!("bv {}", 8 << (i % 2)))).collect();
        let mut owners = vec![0; items.len()];
        for k in 1..=3 {
            let shard = Shard { index: k, count: 3 };
            let mut s = Splitter::default();
            for (i, (r, t)) in items.iter().enumerate() {
                if s.keeps(shard, r, &[r.clone()], t) {
                    owners[i] += 1;
                }
            }
        }
        assert!(owners.iter().all(|&n| n == 1), "every instance in exactly one shard");
    }
}
