//! `saffron fuzz --target isa-specs --unit x64`: Saffron's x64 specs against
//! this CPU, and deliberately wrong specs through `--spec-override`.

mod cli_support;
use cli_support::{saffron, stderr, stdout, write_file};
use std::collections::BTreeSet;

fn run_json(extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["fuzz", "--target", "isa-specs", "--unit", "x64", "--seed", "7", "--json"];
    args.extend(extra);
    let output = saffron(&args);
    let json = serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{e}; stderr:\n{}", stderr(&output)));
    (output.status.code(), json)
}

fn mismatched(json: &serde_json::Value) -> BTreeSet<String> {
    json["mismatches"].as_array().unwrap().iter().map(|m| m["inst"].as_str().unwrap().to_string()).collect()
}

#[test]
fn x64_specs_agree_with_the_cpu() {
    let (code, json) = run_json(&["--seconds", "3"]);
    assert_eq!(json["mismatches"].as_array().unwrap().len(), 0, "{json:#}");
    assert_eq!(code, Some(0));
    assert!(json["specs_covered"].as_u64().unwrap() >= 40, "{json:#}");
    assert!(json["execs"].as_u64().unwrap() >= json["instances"].as_u64().unwrap(), "{json:#}");
    let covered: BTreeSet<&str> = json["covered"].as_array().unwrap().iter().filter_map(|c| c.as_str()).collect();
    // Every width, register and immediate forms, a count in CL.
    for inst in ["x64_addb_rm_raw", "x64_subw_mi_raw", "x64_xorl_mi_sxb_raw", "x64_andq_mi_sxl_raw", "x64_sarq_mc_raw", "x64_rolb_m1_raw"] {
        assert!(covered.contains(inst), "{inst} not covered: {covered:?}");
    }
    // A spec the harness cannot run is named with its reason.
    for n in json["specs_not_covered"].as_array().unwrap() {
        assert!(!n["reason"].as_str().unwrap().is_empty(), "{n}");
    }
}

/// Two wrong specs: an 8-bit add that clears the register's upper bits
/// (the CPU keeps them), and a 64-bit subtraction with its operands swapped.
const WRONG_SPECS: &str = "
(spec (x64_addb_rm_raw a b)
  (provide (with (inst) (= result (AssemblerOutputs.RetGpr inst (zero_ext 64 (bvadd (extract 7 0 a) (extract 7 0 b))))))))
(spec (x64_subq_rm_raw a b)
  (provide (with (inst) (= result (AssemblerOutputs.RetGpr inst (bvsub b a))))))
";

#[test]
fn wrong_specs_are_caught_and_minimised() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_file(dir.path(), "wrong.isle", WRONG_SPECS.as_bytes());
    // No time beyond the edge sweep: caught within the setup and one round.
    let (code, json) = run_json(&["--seconds", "0", "--spec-override", &file]);
    assert_eq!(code, Some(1), "{json:#}");
    let found = mismatched(&json);
    assert_eq!(found, ["x64_addb_rm_raw", "x64_subq_rm_raw"].iter().map(|s| s.to_string()).collect(), "{json:#}");
    for m in json["mismatches"].as_array().unwrap() {
        for field in ["bytes", "cpu", "spec"] {
            assert!(!m[field].as_str().unwrap().is_empty(), "{m}");
        }
        assert!(m["assembly"].as_str().unwrap().starts_with(if m["inst"] == "x64_addb_rm_raw" { "add" } else { "sub" }), "{m}");
    }
    // Minimised: the 8-bit add's counterexample needs one upper bit set
    // in the destination and nothing else.
    let add = json["mismatches"].as_array().unwrap().iter().find(|m| m["inst"] == "x64_addb_rm_raw").unwrap();
    let regs: Vec<u64> = add["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i.as_str().unwrap().split_once("= 0x").map(|(_, hex)| u64::from_str_radix(hex, 16).unwrap()))
        .collect();
    assert_eq!(regs.iter().map(|v| v.count_ones()).sum::<u32>(), 1, "{add}");
}

#[test]
fn bad_input_is_exit_2() {
    // `--spec-addition` is for instructions without a spec: adding one that
    // alu.isle already gives is a load error naming both places.
    let dir = tempfile::tempdir().unwrap();
    let not_spec = "(spec (x64_notl_m_raw a)\n  (provide (with (inst) (= result (AssemblerOutputs.RetGpr inst (bvnot a))))))\n";
    let addition = write_file(dir.path(), "addition.isle", not_spec.as_bytes());
    let output = saffron(&["fuzz", "--target", "isa-specs", "--unit", "x64", "--seconds", "0", "--spec-addition", &addition]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    for part in ["addition.isle:1:7", "x64_notl_m_raw", "already has a spec at", "x64/alu.isle:"] {
        assert!(stderr(&output).contains(part), "{part}: {}", stderr(&output));
    }
    for (args, message) in [
        (vec!["--unit", "arm"], "unknown or unsupported unit `arm`"),
        (vec![], "needs --unit"),
        (vec!["--unit", "x64", "--seconds=-1"], "--seconds"),
        (vec!["--unit", "x64", "--spec-override", "/nonexistent/specs.isle"], "/nonexistent/specs.isle"),
    ] {
        let mut all = vec!["fuzz", "--target", "isa-specs", "--seconds", "0"];
        all.extend(args);
        if all.iter().filter(|a| a.starts_with("--seconds")).count() > 1 {
            all.drain(3..5);
        }
        let output = saffron(&all);
        assert_eq!(output.status.code(), Some(2), "{all:?}: {}", stderr(&output));
        assert!(stderr(&output).contains(message), "{all:?}: {}", stderr(&output));
    }
    let output = saffron(&["fuzz", "--target", "isa-specs", "--unit", "x64", "--seconds", "soon"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let output = saffron(&["fuzz", "--target", "diff_module", "--seconds", "0", "--unit", "x64"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

/// A spec for 32-bit unsigned division (`div r/m32`: EDX:EAX by the
/// operand, quotient to EAX and remainder to EDX, both zero-extended; #DE
/// when the divisor is zero or the quotient does not fit) with the trap
/// stated exactly, so that a wrong trap condition put in its place through
/// `--spec-override` shows as a CPU fault the spec does not allow.
const DIVL_SPEC: &str = "
(spec (x64_divl_m_raw lo hi d trap)
  (modifies exec_trap)
  (provide
    (= exec_trap (or (= (extract 31 0 d) #x00000000) (bvuge (extract 31 0 hi) (extract 31 0 d))))
    (with (inst regs)
      (and (= result (AssemblerOutputs.RetValueRegs inst regs))
           (=> (not exec_trap)
               (and (= (:lo regs) (zero_ext 64 (extract 31 0 (bvudiv (concat (extract 31 0 hi) (extract 31 0 lo)) (zero_ext 64 (extract 31 0 d))))))
                    (= (:hi regs) (zero_ext 64 (extract 31 0 (bvurem (concat (extract 31 0 hi) (extract 31 0 lo)) (zero_ext 64 (extract 31 0 d))))))))))))
";

#[test]
fn division_faults_are_judged_against_the_spec_trap() {
    // Saffron's own division specs (isle-rules/specs/x64/div.isle): the
    // CPU's #DE faults are among the executions, and the specs allow them.
    let (code, json) = run_json(&["--seconds", "0"]);
    assert_eq!(json["mismatches"].as_array().unwrap().len(), 0, "{json:#}");
    assert_eq!(code, Some(0));
    assert!(json["covered"].as_array().unwrap().iter().any(|c| c == "x64_divl_m_raw"), "{json:#}");
    assert!(json["cpu_faults"].as_u64().unwrap() > 0, "{json:#}");
    // The same division with the overflow fault left out: the CPU faults
    // where the spec says it returns.
    let dir = tempfile::tempdir().unwrap();
    let wrong = write_file(dir.path(), "divl_wrong.isle", DIVL_SPEC.replace(" (bvuge (extract 31 0 hi) (extract 31 0 d))", " false").as_bytes());
    let (code, json) = run_json(&["--seconds", "0", "--spec-override", &wrong]);
    assert_eq!(code, Some(1), "{json:#}");
    let m = &json["mismatches"][0];
    assert_eq!(m["inst"], "x64_divl_m_raw", "{json:#}");
    assert!(m["cpu"].as_str().unwrap().starts_with("faulted"), "{m}");
    assert_eq!(m["spec_trap"], "false", "{m}");
}
