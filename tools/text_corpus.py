"""Deterministic, varied text corpus for the text-tokenizer goldens (issue 3).

Every line is produced from a seeded `random.Random`, so the corpus is the same on every run.
Lines are NFC-normalised here (see make_text_goldens.py for why). Categories: prose in several
scripts, code with tabs, numbers, contractions, emoji, whitespace edge cases, special-token
look-alikes, long runs, and random mixtures of all of them (the fuzz lines find boundary cases
the hand-written ones miss).
"""

import random
import unicodedata

LATIN_WORDS = (
    "the quick brown fox jumps over lazy dog and then it runs away from home while singing "
    "token model image text encoder decoder vision language serving stack latency throughput "
    "café naïve résumé façade Zürich Ærøskøbing Straße Łódź żółć señor niño acción "
    "garçon déjà vu über schön grün Tiếng Việt người đường Dvořák Škoda Ångström fjord "
    "HTTP JSON API URL CPU GPU NNG BPE UTF-8 ID O'Brien rock'n'roll it's we're they've "
    "I'm you'll she'd DON'T I'LL WE'RE THEY'VE IT'S SHE'D YOU'LL I'M can't won't Don'T"
).split()
CYRILLIC_WORDS = "привет мир Москва язык модель текст ПРИВЕТ Ёжик съешь ещё этих мягких булок".split()
GREEK_WORDS = "Καλημέρα κόσμε γλώσσα μοντέλο ΑΘΗΝΑ λόγος ψυχή ἀρετή".split()
CJK_CHARS = "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所去行过家十用发天如然作方成者多日都三小军二无同么经法当起与好看学进种将还分此心前面又定见只主没公从"
JA_TEXT = ["こんにちは世界", "東京タワーに行きました。", "カタカナとひらがな", "ｶﾀｶﾅ半角", "日本語のテキストです"]
KO_TEXT = ["안녕하세요 세계", "한국어 텍스트 토크나이저", "서울특별시", "ㄱㄴㄷ ㅏㅑ"]
ARABIC_TEXT = ["مرحبا بالعالم", "اللغة العربية جميلة", "نموذج الرؤية واللغة", "٠١٢٣٤٥٦٧٨٩ رقم", "السَّلَامُ عَلَيْكُمْ"]
HEBREW_TEXT = ["שלום עולם", "עִבְרִית", "מודל שפה"]
DEVANAGARI_TEXT = ["नमस्ते दुनिया", "हिन्दी भाषा सुंदर है", "क्षत्रिय ज्ञान", "१२३४५ संख्या", "प्रयोगशाला में"]
THAI_TEXT = ["สวัสดีชาวโลก", "ภาษาไทยไม่มีช่องว่าง", "กรุงเทพมหานคร", "๑๒๓๔ ตัวเลข"]
OTHER_TEXT = [
    "ሰላም ዓለም", "გამარჯობა", "Բարեւ", "வணக்கம்", "ನಮಸ್ಕಾರ", "สระ", "ᚠᚢᚦᚨᚱᚲ", "ꦲꦤꦕꦫꦏ",
    "𝐀𝐁𝐂 𝑥𝑦𝑧 𝔸𝔹", "𠀀𠀁𠀂 𪚥", "Ⅻ ⅷ ½ ¾ ² ³ ① ⑩", "ℌ ℍ ℕ ℙ ℚ ℝ ℤ", "ﬁ ﬂ ﬀ", "Ⓐⓑ",
]
EMOJI = [
    "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "👩🏽\u200d💻", "🇫🇷🇯🇵", "👍🏽", "1️⃣", "❤️", "🧑\u200d🚀",
    "😀😃😄", "🙂", "🤖", "🐈\u200d⬛", "✋🏿", "🫠", "©️ ®️ ™️",
]
PUNCT = list(".,;:!?-—–…()[]{}<>\"'`~@#$%^&*_+=|\\/") + ["«", "»", "„", "“", "”", "‘", "’", "、", "，", "。", "！", "？", "・", "¿", "¡", "§", "¶", "•", "€", "£", "¥", "₹", "°"]
WHITESPACE = [" ", "  ", "   ", "\t", "\t\t", "\n", "\r\n", "\r", "\n\n", " \n", "\u00a0", "\u3000", "\u2009", "\u2028", "\u0085", "\x0b", "\x0c", "\u200b", " \t "]
CODE_LINES = [
    "def f(x):\n\treturn x * 2",
    "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
    "\tif let v = dict[\"key\"] { print(v) }",
    "func encode(_ text: String) throws -> [Int32] {\n\t\treturn try engine.encode(text)\n\t}",
    "SELECT id, name FROM users WHERE age >= 18 AND name LIKE '%ann%';",
    "x = [1, 2, 3]\r\ny = {k: v for k, v in zip(a, b)}\r\n",
    "#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 42); return 0; }",
    "const re = /^(?:[a-z0-9]+)$/i; // regex",
    "\t\t\t\tdeeply.nested.call(arg1,arg2)\t// tab-separated\tcomment",
    "<div class=\"a\">&nbsp;&lt;tag&gt;</div>",
    "$ swift build -c release --product emu3-text-tokenizer 2>&1 | tee log.txt",
    "{\"texts\": [\"a\", \"b\"], \"allow_special\": false}",
    "a+=1;b-=2;c*=3;d/=4;e%=5;f**=6;g//=7;h>>=8;i<<=9",
    "    four spaces\n        eight spaces\n\ttab",
    "if (a&&b||!c) { return a?b:c; }",
]
SPECIAL_LIKE = [
    "<|extra_203|>", "<|endoftext|>", "<|im_start|>user\nhi<|im_end|>", "<|extra_0|><|extra_204|>",
    "<|visual token 000042|>", "<|image start|>90*90<|image token|>", "<|image end|>", "<|extra_200|><|extra_201|>",
    "<|extra_999|>", "<|extra_2", "<||>", "<|visual token 032767|>", "<|visual token 032768|>",
    "text<|extra_203|>more text", "<|<|extra_1|>|>", "< |extra_3| >", "<|EXTRA_3|>", "<|image token|>",
]
CONTRACTIONS = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d", "'S", "'T", "'RE", "'Ve", "'M", "'LL", "'D", "'ſ", "'x", "'"]


def _pick_scalars(rng: random.Random, ranges, count):
    out = []
    while len(out) < count:
        lo, hi = rng.choice(ranges)
        ch = chr(rng.randint(lo, hi))
        if unicodedata.category(ch) in ("Cn", "Cs"):
            continue
        out.append(ch)
    return "".join(out)


FUZZ_RANGES = [
    (0x20, 0x7E), (0x20, 0x7E), (0x20, 0x7E), (0x00, 0x1F), (0x80, 0xFF), (0x100, 0x24F), (0x300, 0x36F),
    (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF), (0x600, 0x6FF), (0x900, 0x97F), (0xE00, 0xE7F),
    (0x1100, 0x11FF), (0x2000, 0x206F), (0x2070, 0x209F), (0x20A0, 0x20CF), (0x2100, 0x218F), (0x2190, 0x22FF),
    (0x2460, 0x24FF), (0x3000, 0x303F), (0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0xE000, 0xE0FF),
    (0xFE00, 0xFE0F), (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF), (0x20000, 0x2A6DF), (0xE0001, 0xE007F),
]


def _sentence(rng, words, n_lo=3, n_hi=14, sep=" "):
    n = rng.randint(n_lo, n_hi)
    s = sep.join(rng.choice(words) for _ in range(n))
    if rng.random() < 0.5:
        s = s[0].upper() + s[1:]
    return s + rng.choice([".", "!", "?", "", ",", "..."])


def _number(rng):
    kind = rng.randrange(8)
    if kind == 0:
        return "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 64)))
    if kind == 1:
        return f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 9)}f}"
    if kind == 2:
        return f"{rng.randint(0, 10**9):,}"
    if kind == 3:
        return f"+1 ({rng.randint(100, 999)}) {rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    if kind == 4:
        return f"{rng.randint(1, 4096)}*{rng.randint(1, 4096)}"
    if kind == 5:
        return f"{rng.randint(1900, 2100)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:00Z"
    if kind == 6:
        return f"0x{rng.getrandbits(64):016X} 0b{rng.getrandbits(12):b}"
    return rng.choice(["٣٤٥", "१२३", "๑๒๓", "１２３４", "½", "Ⅻ", "²³", "①②"]) + str(rng.randint(0, 99))


def _mixed(rng):
    parts = []
    for _ in range(rng.randint(2, 10)):
        k = rng.randrange(12)
        if k == 0:
            parts.append(rng.choice(LATIN_WORDS))
        elif k == 1:
            parts.append(rng.choice(PUNCT) * rng.randint(1, 3))
        elif k == 2:
            parts.append(rng.choice(WHITESPACE))
        elif k == 3:
            parts.append(_number(rng))
        elif k == 4:
            parts.append(rng.choice(EMOJI))
        elif k == 5:
            parts.append(rng.choice(CONTRACTIONS))
        elif k == 6:
            parts.append("".join(rng.choice(CJK_CHARS) for _ in range(rng.randint(1, 6))))
        elif k == 7:
            parts.append(rng.choice(ARABIC_TEXT + DEVANAGARI_TEXT + THAI_TEXT + HEBREW_TEXT + OTHER_TEXT))
        elif k == 8:
            parts.append(_pick_scalars(rng, FUZZ_RANGES, rng.randint(1, 8)))
        elif k == 9:
            parts.append(rng.choice(SPECIAL_LIKE))
        elif k == 10:
            parts.append(rng.choice(CYRILLIC_WORDS + GREEK_WORDS))
        else:
            parts.append(rng.choice(JA_TEXT + KO_TEXT))
    return "".join(parts)


def build_corpus(seed: int) -> list[str]:
    """Returns the corpus lines (NFC), in a fixed order, for the given seed."""
    rng = random.Random(seed)
    lines: list[str] = [
        "", " ", "\n", "\r\n", "a", "A", "0", "'", "'s", "I'LL", "DON'T", "don't", "I'll", "WE'VE",
        "Hello, world!", " Hello", "  Hello", "Hello  ", "hello\n\nworld", "a\r\nb\r\nc", "\t\tx",
        "12345678901234567890", "3.14159265358979", " 42", "x   y", "x\u3000y", "\u00a0a", "'ſa",
        "lowres, bad anatomy, bad hands, text, error, missing fingers, extra digit, fewer digits, cropped, "
        "worst quality, low quality, normal quality, jpeg artifacts, signature, watermark, username, blurry.",
        "You are a helpful assistant. USER: describe the image. ASSISTANT:",
        "a cat on a sofa masterpiece, film grained, best quality.",
        "90*90", "78*104", "68*120",
    ]
    lines += SPECIAL_LIKE
    lines += CODE_LINES
    lines += EMOJI
    lines += JA_TEXT + KO_TEXT + ARABIC_TEXT + HEBREW_TEXT + DEVANAGARI_TEXT + THAI_TEXT + OTHER_TEXT
    lines += [w + c + rest for w in ("it", "IT", "O", "x") for c in CONTRACTIONS for rest in ("", "x", " y")]
    # Long runs: a 10,000-letter word, digits, spaces, newlines, punctuation, one emoji repeated.
    lines.append("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10_000)))
    lines.append("".join(rng.choice("0123456789") for _ in range(3_000)))
    lines.append(" " * 2_000 + "x")
    lines.append("\n" * 500 + " " * 10)
    lines.append("!?" * 700)
    lines.append("🤖" * 300)
    lines.append("".join(rng.choice(CJK_CHARS) for _ in range(1_500)))
    lines.append("ab" * 2_000)

    for _ in range(500):
        lines.append(_sentence(rng, LATIN_WORDS))
    for _ in range(60):
        lines.append(_sentence(rng, CYRILLIC_WORDS))
        lines.append(_sentence(rng, GREEK_WORDS))
    for _ in range(120):
        lines.append("".join(rng.choice(CJK_CHARS + "，。！？") for _ in range(rng.randint(4, 60))))
    for texts in (JA_TEXT, KO_TEXT, ARABIC_TEXT, HEBREW_TEXT, DEVANAGARI_TEXT, THAI_TEXT, OTHER_TEXT):
        for _ in range(40):
            lines.append(_sentence(rng, texts, 1, 5, rng.choice([" ", "", "، ", "\n"])))
    for _ in range(100):
        lines.append(rng.choice(WHITESPACE).join(rng.choice(CODE_LINES).split("\t")))
    for _ in range(150):
        lines.append(" ".join(_number(rng) for _ in range(rng.randint(1, 6))))
    for _ in range(60):
        lines.append("".join(rng.choice(WHITESPACE) + rng.choice(LATIN_WORDS) for _ in range(rng.randint(1, 8))))
    for _ in range(60):
        lines.append(rng.choice(SPECIAL_LIKE).join(_sentence(rng, LATIN_WORDS, 1, 4) for _ in range(3)))
    for _ in range(800):
        lines.append(_mixed(rng))
    for _ in range(200):
        lines.append(_pick_scalars(rng, FUZZ_RANGES, rng.randint(1, 40)))
    return [unicodedata.normalize("NFC", line) for line in lines]


def build_non_nfc_lines() -> list[str]:
    """Inputs that NFC normalisation changes (for the engine's normalisation mode)."""
    return [
        "e\u0301", "cafe\u0301", "Cafe\u0301 au lait", "\u1100\u1161\u11a8", "A\u030a", "\u212b", "\u2126",
        "o\u0308\u0304", "\u0958", "\ufb2a", "n\u0303o", "x\u0301\u0327", "\u0041\u0308\u0301",
        "Zu\u0308rich Stra\u00dfe", "\u017f\u0323\u0307", "\uf900\uf901", "\u00c5ngstro\u0308m",
        "\u306f\u309a", "\u304b\u3099\u304d\u3099", "\ud55c\u1100\u1161", "a\u0301\u0301\u0301\u0301",
    ]
