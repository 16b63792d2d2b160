//! `README.txt` of a municipality's CSV files: what each file holds, every column with its type
//! and unit, the codes, how 0, blanks, 「－」 and words are told apart, how money and years are
//! written, how 達成率 is computed (the rules are copied from [`crate::compute`]'s own module
//! documentation at build time, so they cannot drift), and how to check the files.
//!
//! Written in UTF-8 with a BOM and CRLF line ends, like the CSV files, so that Windows tools open
//! it as UTF-8.

use super::table::{Column, FORMULA_TRIGGERS};
use crate::compute;
use crate::model::{Method, Municipality, Site};
use std::fmt::Write as _;

/// A file listed in the README.
#[derive(Debug, Clone)]
pub struct Listed {
    /// Path relative to the municipality folder.
    pub path: String,
    /// Its title.
    pub title: String,
}

/// A kind of file and its columns.
#[derive(Debug, Clone)]
pub struct FileKind {
    /// 「kpi.csv・kpi-all-years.csv（指標一覧）」.
    pub heading: String,
    /// What one row is.
    pub row: String,
    /// The columns (for actions.csv, with the schedule columns of one example year).
    pub columns: Vec<Column>,
}

/// The README text.
pub fn text(
    site: &Site,
    m: &Municipality,
    files: &[Listed],
    kinds: &[FileKind],
    shift_jis: bool,
) -> String {
    let mut s = String::new();
    let config = &m.achievement;
    let _ = writeln!(s, "{}の指標データ（CSV）について", m.name);
    let _ = writeln!(s, "{}", "=".repeat(40));
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "{}（{}、全国地方公共団体コード {}）が公表した事務事業点検シート、行政改革アクションプランの実績報告、総合計画の目標指標を、「{}」が機械判読できるCSVにしたものです。ウェブページの表と同じ内容です。",
        m.name, m.prefecture, m.code, site.config.title
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "■ ファイル");
    for f in files {
        let _ = writeln!(s, "- {}：{}", f.path, f.title);
    }
    let _ = writeln!(
        s,
        "- datapackage.json：すべてのCSVの列の定義（Frictionless Data Package v1、Table Schema）"
    );
    let _ = writeln!(
        s,
        "- SHA256SUMS：各ファイルのSHA-256（sha256sum -c SHA256SUMS で確認できます）"
    );
    let _ = writeln!(
        s,
        "最新年度のファイルは、年度のフォルダのほか、このフォルダ直下（kpi.csv など）と projects/・actions/ の下にも同じ内容で置いています。"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "■ 形式");
    let _ = writeln!(
        s,
        "- 文字コードはUTF-8（BOM付き）、改行はCRLF、区切りはカンマ。RFC 4180 に従い、カンマ・改行・「\"」を含む値は「\"」で囲みます。1行目は列名です。"
    );
    if shift_jis {
        let _ = writeln!(
            s,
            "- 同じ内容のShift_JIS（CP932）版を、ファイル名の末尾に -sjis を付けて置いています（kpi-sjis.csv など。BOMなし）。"
        );
    }
    let _ = writeln!(
        s,
        "- 数値は桁区切りのカンマ、単位、「▲」を付けずに書きます（負の数は -12）。単位は列名または「単位」列にあります。"
    );
    let _ = writeln!(
        s,
        "- 金額はシートの単位（千円など）によらず、すべて円の整数です（255,615千円 → 255615000）。"
    );
    let _ = writeln!(
        s,
        "- 年度は4月1日に始まる会計年度で、始まる年の西暦で書きます（令和6年度 → 2024）。和暦は「（和暦）」の列にあります。"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "■ 0・空欄・「－」・文言の区別");
    let _ = writeln!(
        s,
        "シートの値は、次の4つをはっきり区別します。値の列（目標値・実績値・予算額（円）など）の隣に「〜の種類」の列があります。"
    );
    let _ = writeln!(
        s,
        "- 数値：値の列に数値が入ります。0は測定した結果のゼロで、空欄とは違います。"
    );
    let _ = writeln!(
        s,
        "- 未記入：シートが空欄（まだ測っていない、報告されていない）。値の列は空欄です。"
    );
    let _ = writeln!(
        s,
        "- 該当なし：シートに「－」と書かれている（その年度・指標には当てはまらない）。値の列は空欄です。"
    );
    let _ = writeln!(
        s,
        "- 文言：「実施」「策定」など言葉で書かれている。値の列は空欄で、言葉は「〜の文言」の列にあります。"
    );
    let _ = writeln!(
        s,
        "- 記載なし：シートにその項目自体がない（現状値の欄がない、事業費の表がない など）。"
    );
    let _ = writeln!(
        s,
        "- 集計不可（金額の合計だけ）：事務事業の予算額・決算額は活動の金額の合計です。すべての活動に金額があるときだけ合計し、空欄や「－」の活動があるときは合計を空欄にして「集計不可」とします。空欄を0として足すことはしません。活動ごとの金額は activities.csv にあります。"
    );
    let _ = writeln!(
        s,
        "欠損値の記号は空欄だけです。「－」を欠損値として扱うと空欄と区別できなくなるため、「－」はCSVの値には書かず、「〜の種類」の「該当なし」で表します。datapackage.json でも missingValues は [\"\"] だけで、「〜の種類」の列には取りうる値を enum で定義しています。"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "■ 数式として読まれないための処理");
    let triggers: Vec<String> = FORMULA_TRIGGERS
        .iter()
        .map(|c| match c {
            '\t' => "タブ".to_string(),
            '\r' => "CR".to_string(),
            '\n' => "LF".to_string(),
            c => format!("「{c}」"),
        })
        .collect();
    let _ = writeln!(
        s,
        "文字列の列で、値が {} で始まるときは、表計算ソフトが数式として実行しないよう先頭に「'」を1文字付けています（OWASP の CSV Injection 対策）。元の文字列に戻すには、文字列の列の先頭の「'」を1文字取り除いてください。数値の列には付けません（-12 は数値のままです）。",
        triggers.join("・")
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "■ コード");
    let _ = writeln!(
        s,
        "- 全国地方公共団体コード：総務省の6桁のコード（5桁＋検査数字）。先頭の0を失わないよう文字列として扱ってください。"
    );
    let _ = writeln!(
        s,
        "- シートコード：事務事業はシートNo.（番号のないシートはkohyoで付けた識別子）、アクション項目は項目番号、計画の目標指標は施策のコード。"
    );
    let _ = writeln!(
        s,
        "- 指標ID：シートの中で指標を区別する名前。年度をまたいで同じ指標を追うときは、全国地方公共団体コード・シート種別・シートコード・指標ID の組で結合します（kpi-all-years.csv）。"
    );
    let _ = writeln!(s);
    let _ = writeln!(s, "■ 達成率と達成状況の計算");
    let _ = writeln!(
        s,
        "- 増加を目指す指標：達成率 ＝ {} × 100",
        compute::Formula::ActualOverTarget.label()
    );
    let _ = writeln!(
        s,
        "- 減少を目指す指標：達成率 ＝ {} × 100（このサイトの設定。指標ごとに別の方法が指定されている場合があります）",
        match config.method {
            Method::Ratio => compute::Formula::TargetOverActual.label(),
            Method::Progress => compute::Formula::ProgressFromBaseline.label(),
        },
    );
    let _ = writeln!(
        s,
        "- 維持を目指す指標：実績値が目標値の ±{}% 以内なら目標達成。達成率は出しません。",
        config.tolerance_percent
    );
    let _ = writeln!(
        s,
        "- その年度の目標値がないときは最終目標値と比べます（kpi.csv の「目標値の区分」が「最終目標値」）。"
    );
    let _ = writeln!(
        s,
        "- 目標値が0のときや実績値が0で割り算に意味がないときは、率を出さずに比べるだけです（達成率は空欄、判定は目標達成または目標未達成）。"
    );
    let _ = writeln!(
        s,
        "- 達成率は小数第2位を四捨五入して小数第1位まで書きます。"
    );
    let _ = writeln!(
        s,
        "- 実績値が空欄なら「未測定」、目標値か実績値が「－」なら「該当なし」、言葉で書かれた値や目標のない指標は「評価なし」で、どれも達成率は空欄です（0%ではありません）。"
    );
    let _ = writeln!(s, "達成状況の段階：");
    for (i, g) in config.grades.iter().enumerate() {
        let rule = match g.min_rate {
            _ if i == 0 => "目標値に達した".to_string(),
            Some(r) if r.is_finite() => format!("目標未達成で達成率{r}%以上"),
            _ => "目標未達成でそれ以外".to_string(),
        };
        let _ = writeln!(s, "- {} {}：{}", g.mark, g.label, rule);
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "■ 列の説明");
    for k in kinds {
        let _ = writeln!(s);
        let _ = writeln!(s, "● {}", k.heading);
        let _ = writeln!(s, "1行：{}", k.row);
        for (i, c) in k.columns.iter().enumerate() {
            let unit = c
                .unit
                .as_deref()
                .map(|u| format!("、単位 {u}"))
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "{:>3}. {}（{}{}）：{}",
                i + 1,
                c.name,
                c.kind.label(),
                unit,
                c.description
            );
        }
    }
    s
}

/// The README file: BOM, text with CRLF line ends.
pub fn bytes(text: &str) -> Vec<u8> {
    let mut out = super::table::BOM.to_vec();
    out.extend_from_slice(text.replace("\r\n", "\n").replace('\n', "\r\n").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_bytes_have_a_bom_and_crlf() {
        let b = bytes("a\nb\r\n");
        assert_eq!(b, b"\xEF\xBB\xBFa\r\nb\r\n");
    }
}
