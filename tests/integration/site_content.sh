#!/usr/bin/env bash
# site_content.sh — page content checks of `khien site check` on pages served
# by nginx on 127.0.0.1: injected gambling spam (Vietnamese terms with and
# without diacritics, English terms, links hidden by CSS or off-screen), a
# defaced page, an ordinary page that must not be flagged, the stored
# baseline (changed text and links) and YARA rules over the page HTML.
set -u
khien=$1
src=$2
. "$src/tests/integration/lib/site_servers.sh"
site_need nginx openssl python3
export KHIEN_LANG=en

site_init
site_make_certs
tmp=$SITE_TMP/out
mkdir -p "$tmp"
fail=0

page() { mkdir -p "$SITE_TMP/www-$1"; cat > "$SITE_TMP/www-$1/index.html"; }

# Injected links hidden three ways: inline display:none, off-screen absolute
# positioning, a class hidden by a <style> rule; terms with diacritics.
page spam <<'HTML'
<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>UBND xã Tân Phú</title>
<style>.ft-links { display: none }</style></head>
<body><h1>Thông báo lịch tiếp công dân</h1><p>Ủy ban nhân dân xã thông báo lịch tiếp công dân tháng 11.</p>
<div style="display:none"><a href="https://nhacai-uytin.example/">Nhà cái uy tín</a>
<a href="https://keo.example/">Cá cược bóng đá</a></div>
<div style="position:absolute; left:-9999px; top:-9999px"><a href="https://tx.example/">Tài xỉu online</a></div>
<p class="ft-links"><a href="https://nohu.example/">Nổ hũ đổi thưởng</a> <a href="https://banca.example/">Bắn cá</a></p>
<a href="/lien-he">Liên hệ</a></body></html>
HTML
# The same spam written without diacritics, visible.
page ascii <<'HTML'
<!DOCTYPE html><html><head><title>Tin tuc</title></head>
<body><p>Tin tuc dia phuong.</p><p>nha cai so 1 viet nam - ca cuoc the thao - tai xiu</p></body></html>
HTML
# English terms only in hidden link targets and text.
page english <<'HTML'
<!DOCTYPE html><html><head><title>News</title></head>
<body><p>City news.</p><span hidden><a href="https://x.example/online-casino">best casino</a></span>
<div style="text-indent:-5000px"><a href="https://y.example/slot">slot</a></div></body></html>
HTML
# An ordinary page: one gambling-like word on its own is not spam.
page clean <<'HTML'
<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đặt lịch khám bệnh</title></head>
<body><p>Chọn khung giờ (slot) còn trống để đặt lịch khám. Cá kho tộ là món ăn truyền thống.</p>
<a href="/dat-lich">Đặt lịch</a> <a href="/huong-dan" style="color:red">Hướng dẫn</a></body></html>
HTML
page defaced <<'HTML'
<html><head><title>Hacked by Anonymous Team</title></head>
<body bgcolor="black"><h1>Hacked by Anonymous Team</h1><p>greetz to all crew</p></body></html>
HTML
page yara <<'HTML'
<!DOCTYPE html><html><head><title>Trang chủ</title>
<script>var miner = new CoinHive.Anonymous('abcdef0123456789'); miner.start();</script></head>
<body><p>Trang chủ</p></body></html>
HTML
page base <<'HTML'
<!DOCTYPE html><html><head><title>Giới thiệu</title></head>
<body><p>Giới thiệu về phường.</p><a href="/a">A</a></body></html>
HTML
cat > "$tmp/miner.yar" <<'YAR'
rule khien_test_coinhive_miner
{
    strings:
        $a = "CoinHive.Anonymous" ascii
    condition:
        $a
}
YAR

declare -A port
names=(spam ascii english clean defaced yara base)
site_nginx_begin
for n in "${names[@]}"; do
	port[$n]=$(site_free_port)
	site_server "${port[$n]}" good "ssl_protocols TLSv1.2 TLSv1.3; server_tokens off;" "$SITE_TMP/www-$n"
done
site_nginx_start || { echo "FAIL: nginx did not start"; cat "$SITE_TMP/logs/error.log"; exit 1; }

fast=(--ca-file "$SITE_TMP/tls/ca.crt" --no-cipher-enum --no-legacy-probe --no-exposures --timeout 10)
urls=()
for n in spam ascii english clean defaced; do urls+=("https://localhost:${port[$n]}/"); done
"$khien" site check "${urls[@]}" "${fast[@]}" --no-baseline --concurrency 3 --json \
	> "$tmp/content.jsonl" 2> "$tmp/content.err"
site_json_lines "$tmp/content.jsonl" || { echo "FAIL: output is not JSON lines"; cat "$tmp/content.err"; exit 1; }
site_assert "$tmp/content.jsonl" spam ascii english clean defaced <<'PY' || fail=1
terms = lambda *want: (lambda s: set(want) <= {t.strip() for t in s.split(",")})
check("spam", "content/fetched", True)
check("spam", "content/gambling_spam", True)
check("spam", "content/gambling_terms", terms("nha cai", "ca cuoc", "tai xiu", "no hu", "ban ca"),
      "nha cai, ca cuoc, tai xiu, no hu, ban ca")
check("spam", "content/hidden_links", 5)
check("spam", "content/gambling_hidden_links", 5)
check("spam", "content/links", 6)
check("spam", "content/title", "UBND xã Tân Phú")
check("spam", "content/defaced", False)
check("spam", "checklist/@no_malware_injection/pass", False)
check("spam", "checklist/@no_malware_injection/reason", lambda s: "gambling" in s.lower(), "a reason naming gambling")
check("ascii", "content/gambling_spam", True)
check("ascii", "content/gambling_terms", terms("nha cai", "ca cuoc", "tai xiu"), "nha cai, ca cuoc, tai xiu")
check("ascii", "content/gambling_hidden_links", 0)
check("english", "content/gambling_spam", True)
check("english", "content/gambling_terms", terms("casino", "slot"), "casino, slot")
check("english", "content/hidden_links", 2)
check("english", "content/gambling_hidden_links", 2)
check("clean", "content/gambling_spam", False)
check("clean", "content/gambling_hidden_links", 0)
check("clean", "content/hidden_links", 0)
check("clean", "content/links", 2)
check("clean", "content/defaced", False)
check("clean", "checklist/@no_malware_injection/pass", True)
check("defaced", "content/defaced", True)
check("defaced", "content/defacement_terms", lambda s: "hacked by" in s, "contains 'hacked by'")
check("defaced", "content/gambling_spam", False)
check("defaced", "checklist/@no_malware_injection/pass", False)
PY

# ---- YARA over the page HTML (the script is not visible text: only the rule sees it)
"$khien" site check "https://localhost:${port[yara]}/" "${fast[@]}" --no-baseline \
	--rules "$tmp/miner.yar" --json > "$tmp/yara.json" 2> "$tmp/yara.err"
"$khien" site check "https://localhost:${port[clean]}/" "${fast[@]}" --no-baseline \
	--rules "$tmp/miner.yar" --json > "$tmp/yara-clean.json" 2>> "$tmp/yara.err"
cat "$tmp/yara.json" "$tmp/yara-clean.json" > "$tmp/yara.jsonl"
site_assert "$tmp/yara.jsonl" yara clean <<'PY' || fail=1
check("yara", "content/yara_matches", 1)
check("yara", "content/yara_rules", lambda s: "khien_test_coinhive_miner" in s, "the rule's name")
check("yara", "content/scripts", 1)
check("yara", "checklist/@no_malware_injection/pass", False)
check("clean", "content/yara_matches", 0)
check("clean", "checklist/@no_malware_injection/pass", True)
PY
"$khien" site check "https://localhost:${port[yara]}/" "${fast[@]}" --no-baseline \
	--rules "$tmp/nonexistent.yar" --json > /dev/null 2>&1
rc=$?; [ $rc = 2 ] || { echo "FAIL: exit $rc with a missing --rules file, expected 2"; fail=1; }

# ---- baseline: stored on the first run, compared on the next ones
bdir=$tmp/baselines
run_base() {
	"$khien" site check "https://localhost:${port[base]}/" "${fast[@]}" --baseline-dir "$bdir" --json
}
run_base > "$tmp/base1.json" 2>/dev/null
run_base > "$tmp/base2.json" 2>/dev/null
page base <<'HTML'
<!DOCTYPE html><html><head><title>Giới thiệu</title></head>
<body><p>Giới thiệu về phường. Nội dung mới.</p><a href="/b">B</a><a href="/c">C</a></body></html>
HTML
run_base > "$tmp/base3.json" 2>/dev/null
cat "$tmp/base1.json" "$tmp/base2.json" "$tmp/base3.json" > "$tmp/base.jsonl"
site_assert "$tmp/base.jsonl" first same changed <<'PY' || fail=1
check("first", "content/baseline/stored", True)
check("first", "content/baseline/compared", False)
check("same", "content/baseline/compared", True)
check("same", "content/baseline/text_changed", False)
check("same", "content/baseline/links_added", 0)
check("changed", "content/baseline/compared", True)
check("changed", "content/baseline/text_changed", True)
check("changed", "content/baseline/title_changed", False)
check("changed", "content/baseline/links_added", 2)
check("changed", "content/baseline/links_removed", 1)
check("changed", "content/text_sha256", lambda s: s != by["first"]["content"]["text_sha256"] and len(s) == 64,
      "a new 64-hex digest")
PY
[ -n "$(ls -A "$bdir" 2>/dev/null)" ] || { echo "FAIL: nothing stored in --baseline-dir"; fail=1; }

[ $fail = 0 ] && echo "ok: site_content"
exit $fail
