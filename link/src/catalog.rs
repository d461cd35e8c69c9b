//! The Wasm operators of the `wasm` unit and the one-function module each
//! type instance is compiled from.

/// A Wasm scalar value type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
}

impl ValType {
    pub fn name(self) -> &'static str {
        match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
            ValType::F32 => "f32",
            ValType::F64 => "f64",
        }
    }
    pub fn bits(self) -> u32 {
        match self {
            ValType::I32 | ValType::F32 => 32,
            ValType::I64 | ValType::F64 => 64,
        }
    }
    pub fn is_float(self) -> bool {
        matches!(self, ValType::F32 | ValType::F64)
    }
}

/// What a memory instruction does with the `bytes` it accesses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Loads and extends to the result type (sign-extending if `signed`).
    Load { bytes: u32, signed: bool },
    /// Stores the low `bytes` of the value operand.
    Store { bytes: u32 },
}

/// A memory instruction's access and its static `offset=` immediate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemArg {
    pub access: Access,
    pub offset: u64,
}

/// The static offsets each memory instruction is checked at: none, a small
/// one, and the largest whose access still ends within wasmtime's default
/// 32 MiB guard region past the 4 GiB reservation (bigger ones get explicit
/// bounds checks, or a plain trap when always out of bounds).
pub const OFFSETS: [u64; 3] = [0, 12, (32 << 20) - 8];

/// One type instance of a Wasm operator: the op's text name, its operand and
/// result types, and the instruction text of its body. A store's `result` is
/// the stored value's type (the function returns nothing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpInstance {
    pub name: String,
    pub params: Vec<ValType>,
    pub result: ValType,
    pub memory: Option<MemArg>,
}

impl OpInstance {
    fn new(name: String, params: &[ValType], result: ValType) -> OpInstance {
        OpInstance { name, params: params.to_vec(), result, memory: None }
    }

    /// Whether the function returns the op's result (all but stores).
    pub fn returns(&self) -> bool {
        !matches!(self.memory, Some(MemArg { access: Access::Store { .. }, .. }))
    }

    /// The module: one exported function applying the op to its parameters
    /// (and one memory of one page, no maximum, for a memory instruction).
    pub fn wat(&self) -> String {
        let params: Vec<&str> = self.params.iter().map(|t| t.name()).collect();
        let gets: Vec<String> = (0..self.params.len()).map(|i| format!("local.get {i}")).collect();
        let result = if self.returns() { format!("(result {})", self.result.name()) } else { String::new() };
        let (memory, memarg) = match self.memory {
            Some(m) => ("(memory 1) ", format!(" offset={}", m.offset)),
            None => ("", String::new()),
        };
        format!(
            "(module {memory}(func (export \"f\") (param {}) {result} {} {}{memarg}))",
            params.join(" "),
            gets.join(" "),
            self.name
        )
    }

    /// The type instance, as the other units print theirs (with the offset
    /// of a memory instruction).
    pub fn types(&self) -> String {
        let params: Vec<String> = self.params.iter().map(|t| t.name().to_string()).collect();
        let result = if self.returns() { self.result.name() } else { "()" };
        match self.memory {
            Some(m) => format!("({}) -> {result} offset={}", params.join(", "), m.offset),
            None => format!("({}) -> {result}", params.join(", ")),
        }
    }
}

/// The 23 scalar loads and stores, each at every offset of [`OFFSETS`].
fn memory_ops(v: &mut Vec<OpInstance>) {
    use ValType::*;
    let mut add = |name: String, params: &[ValType], result: ValType, access: Access| {
        for offset in OFFSETS {
            let memory = Some(MemArg { access, offset });
            v.push(OpInstance { name: name.clone(), params: params.to_vec(), result, memory });
        }
    };
    for t in [I32, I64, F32, F64] {
        add(format!("{}.load", t.name()), &[I32], t, Access::Load { bytes: t.bits() / 8, signed: false });
        add(format!("{}.store", t.name()), &[I32, t], t, Access::Store { bytes: t.bits() / 8 });
    }
    for t in [I32, I64] {
        let widths: &[u32] = if t == I64 { &[1, 2, 4] } else { &[1, 2] };
        for &bytes in widths {
            let bits = bytes * 8;
            for (s, signed) in [("s", true), ("u", false)] {
                add(format!("{}.load{bits}_{s}", t.name()), &[I32], t, Access::Load { bytes, signed });
            }
            add(format!("{}.store{bits}", t.name()), &[I32, t], t, Access::Store { bytes });
        }
    }
}

/// Every scalar numeric op of Wasm 3.0 and `select` at each operand type.
pub fn all() -> Vec<OpInstance> {
    use ValType::*;
    let mut v = Vec::new();
    for t in [I32, I64] {
        let n = t.name();
        for op in ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl", "rotr"] {
            v.push(OpInstance::new(format!("{n}.{op}"), &[t, t], t));
        }
        for op in ["clz", "ctz", "popcnt", "extend8_s", "extend16_s"] {
            v.push(OpInstance::new(format!("{n}.{op}"), &[t], t));
        }
        if t == I64 {
            v.push(OpInstance::new("i64.extend32_s".into(), &[t], t));
        }
        v.push(OpInstance::new(format!("{n}.eqz"), &[t], I32));
        for op in ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"] {
            v.push(OpInstance::new(format!("{n}.{op}"), &[t, t], I32));
        }
    }
    for t in [F32, F64] {
        let n = t.name();
        for op in ["add", "sub", "mul", "div", "min", "max", "copysign"] {
            v.push(OpInstance::new(format!("{n}.{op}"), &[t, t], t));
        }
        for op in ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"] {
            v.push(OpInstance::new(format!("{n}.{op}"), &[t], t));
        }
        for op in ["eq", "ne", "lt", "gt", "le", "ge"] {
            v.push(OpInstance::new(format!("{n}.{op}"), &[t, t], I32));
        }
    }
    v.push(OpInstance::new("i32.wrap_i64".into(), &[I64], I32));
    v.push(OpInstance::new("i64.extend_i32_s".into(), &[I32], I64));
    v.push(OpInstance::new("i64.extend_i32_u".into(), &[I32], I64));
    for i in [I32, I64] {
        for f in [F32, F64] {
            for sat in ["", "_sat"] {
                for s in ["s", "u"] {
                    v.push(OpInstance::new(format!("{}.trunc{sat}_{}_{s}", i.name(), f.name()), &[f], i));
                }
            }
        }
    }
    for f in [F32, F64] {
        for i in [I32, I64] {
            for s in ["s", "u"] {
                v.push(OpInstance::new(format!("{}.convert_{}_{s}", f.name(), i.name()), &[i], f));
            }
        }
    }
    v.push(OpInstance::new("f32.demote_f64".into(), &[F64], F32));
    v.push(OpInstance::new("f64.promote_f32".into(), &[F32], F64));
    v.push(OpInstance::new("i32.reinterpret_f32".into(), &[F32], I32));
    v.push(OpInstance::new("i64.reinterpret_f64".into(), &[F64], I64));
    v.push(OpInstance::new("f32.reinterpret_i32".into(), &[I32], F32));
    v.push(OpInstance::new("f64.reinterpret_i64".into(), &[I64], F64));
    for t in [I32, I64, F32, F64] {
        v.push(OpInstance::new("select".into(), &[t, t, I32], t));
    }
    memory_ops(&mut v);
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts() {
        let all = super::all();
        let names: std::collections::BTreeSet<&str> = all.iter().map(|o| o.name.as_str()).collect();
        // 136 numeric ops (one type instance each), select at four types,
        // 23 loads and stores at three offsets each.
        assert_eq!(all.len(), 140 + 23 * super::OFFSETS.len());
        assert_eq!(names.len(), 137 + 23);
    }
}
