//! Money formatting shared by the examples (not an example itself: Cargo only builds
//! `examples/*.rs` and `examples/*/main.rs`).

#![allow(dead_code)] // Each example uses part of it.

/// Formats an amount compactly for tables: 1.23M, 2M, 456k, 7.8k, 950.
pub fn short(x: f64) -> String {
    let a = x.abs();
    let out = if a >= 999.5e3 {
        // 1.23M, 1.5M, 2M
        let m = format!("{:.2}", a / 1e6);
        format!("{}M", m.trim_end_matches('0').trim_end_matches('.'))
    } else if a >= 9.995e3 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{a:.0}")
    };
    if x < 0.0 { format!("-{out}") } else { out }
}

/// Formats an amount with thousands separators and no decimals, for checking digit by digit.
pub fn money(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}
