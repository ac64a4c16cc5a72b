"""A corpus of hostile strings, grouped by what they try to break.

Every string carries a tag (``h01`` …) at its end, so that a test can find it again in any output
(a PDF's text, a DOCX's XML, a calendar) after the app has normalised its spacing. Template payloads
all compute ``SENTINEL`` if they were ever evaluated: the number must appear in no output.
"""

from __future__ import annotations

SENTINEL = "63959"   # 9137 * 7: what an evaluated template payload would print

XSS = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "javascript:alert(1)",
    "<a href=\"javascript:alert(1)\">lien ket</a>",
    "<svg><script>alert(1)</script></svg>",
    "<xss-probe>tag</xss-probe>",
    "</textarea><xss-probe></title><xss-probe>",
    "<iframe src=//evil.example></iframe>",
    "' onmouseover='alert(1)",
    "<style>body{display:none}</style>",
    "&lt;script&gt; &amp; &#60;xss-probe&#62;",
]

TEMPLATE = [
    "{{ 9137*7 }}",
    "{% for x in range(3) %}{{ x }}{% endfor %}",
    "#{9137*7}",
    "${9137*7}",
    "#import \"/etc/passwd\": *",
    "#read(\"/etc/passwd\")",
    "#(9137*7)",
    "$x^2$ ] ) } \\ // /* @label <lbl> *dam* _nghieng_ `code` #",
    "#set page(width: 1pt)",
    "]#eval(\"9137*7\")[",
]

FORMULA = [
    "=HYPERLINK(\"http://evil.example\",\"bam vao\")",
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+2",
    "=cmd|' /C calc'!A0",
]

ICAL = [
    "Họp\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
    "Họp\nBEGIN:VALARM\nTRIGGER:-PT1M\nACTION:DISPLAY\nEND:VALARM",
    "Họp\rATTACH:http://evil.example/x",
    "Họp\r\n X-INJECTED:folded",
    "Họp;chấm phẩy,dấu phẩy\\gạch ngược:hai chấm",
]

UNICODE = [
    "Hội nghị \u202etxt.exe\u202c",           # RTL override
    "Zero\u200bwidth\u200djoiner\u2060",        # zero-width space, joiner, word joiner
    "Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c",   # NFD Vietnamese
    "Z\u0351\u0352\u0353\u0354\u0355\u0356a\u0357\u0358lgo",  # stacked combining marks
    "Gia đình 👨\u200d👩\u200d👧\u200d👦 và 🇻🇳",
    "\ufeffBOM ở đầu",
    "Thứ tự tiếng Việt: Ả Ẵ Ặ Ề Ộ Ự Ỹ",
    "𝕳𝖔̣𝖕 𝔪𝔞𝔱𝔥",
    "\u00a0khoảng trắng\u3000cứng\u2028dòng\u2029đoạn",
]

GROUPS = {"xss": XSS, "template": TEMPLATE, "formula": FORMULA, "ical": ICAL, "unicode": UNICODE}


def tagged() -> list[tuple[str, str]]:
    """(tag, string) for every accepted hostile string; the tag closes the string."""
    out = []
    n = 0
    for strings in GROUPS.values():
        for s in strings:
            n += 1
            tag = f"h{n:02d}q"
            out.append((tag, f"{s} {tag}"))
    return out


ACCEPTED = tagged()

# Strings that must be refused with a clear message and nothing saved.
NUL = "Họp\x00kín"
LONE_SURROGATE = "Họp\ud800kín"
OVER_LONG = "Ư" * 100_001
