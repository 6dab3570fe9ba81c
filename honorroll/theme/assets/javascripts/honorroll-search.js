/* 光荣榜站内搜索：读取 search/ 下的分片二元索引（格式见 honorroll/site/search.py）。
   No dependencies, ES2017, no request leaves the site. */
(function () {
  "use strict";
  var PAGE = 10, MAX_TOKENS = 6, STRONG = 16, MIDDLE = 4, BODY = 1;
  var RUNS = /[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9]+/g;
  var B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var CRC = (function () {
    var table = [], c, n, k;
    for (n = 0; n < 256; n++) {
      c = n;
      for (k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
    return table;
  })();

  function normalise(text) {
    return text.replace(/[\uff10-\uff5a]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
    }).toLowerCase();
  }

  /* Traditional characters to Simplified, one for one (search/t2s.json, from OpenCC's t2s): the index
     is Simplified, and a folded string keeps its length, so highlights line up on either edition. */
  var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  var t2s = null;
  function fold(text, map) {
    map = map || t2s;
    if (!map || !HAN.test(text)) return text;
    return text.replace(/[\u3400-\u9fff\uf900-\ufaff]/g, function (ch) {
      return Object.prototype.hasOwnProperty.call(map, ch) ? map[ch] : ch;
    });
  }

  function runs(text) { return normalise(text).match(RUNS) || []; }

  function isCjk(run) { return run.charCodeAt(0) > 0x7f; }

  function queryTokens(query) {
    var tokens = [];
    runs(query).forEach(function (run) {
      if (!isCjk(run) || run.length === 1) { tokens.push(run); return; }
      var starts = [], i;
      for (i = 0; i < run.length - 1; i += 2) starts.push(i);
      if (starts[starts.length - 1] !== run.length - 2) starts.push(run.length - 2);
      starts.forEach(function (s) { tokens.push(run.slice(s, s + 2)); });
    });
    return tokens.filter(function (t, i) { return tokens.indexOf(t) === i; }).slice(0, MAX_TOKENS);
  }

  function crc32(token) {  // of the UTF-8 bytes; tokens hold ASCII and BMP ideographs only
    var crc = 0xffffffff, bytes = [], i, c;
    for (i = 0; i < token.length; i++) {
      c = token.charCodeAt(i);
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    for (i = 0; i < bytes.length; i++) crc = CRC[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ 0xffffffff) >>> 0;
  }

  function decode(code) {
    var out = [], current = -1, value = 0, shift = 0, i, digit;
    for (i = 0; i < code.length; i++) {
      digit = B64.indexOf(code.charAt(i));
      value += (digit & 31) * Math.pow(2, shift);
      if (digit & 32) { shift += 5; continue; }
      current += value + 1;
      out.push(current);
      value = 0; shift = 0;
    }
    return out;
  }

  function tokenScores(code) {
    var parts = code.split(","), scores = new Map();
    var strong = parts[1] === "=" ? parts[0] : parts[1] || "";
    decode(parts[0]).forEach(function (n) { scores.set(n, BODY); });
    decode(parts[2] || "").forEach(function (n) { scores.set(n, MIDDLE); });
    decode(strong).forEach(function (n) { scores.set(n, STRONG); });
    return scores;
  }

  function Index(base) {
    this.base = base;
    this.files = new Map();
    this.manifest = null;
  }
  Index.prototype.get = function (path, fresh) {
    var url = this.base + path;
    if (!this.files.has(url)) {
      var files = this.files;
      var p = fetch(url, fresh ? { cache: "no-cache" } : {}).then(function (r) {
        if (!r.ok) throw new Error(url + " " + r.status);
        return r.json();
      });
      p.catch(function () { files.delete(url); });  // a failed file is fetched again next time
      files.set(url, p);
    }
    return this.files.get(url);
  };
  Index.prototype.load = async function () {
    if (!this.manifest) this.manifest = await this.get("manifest.json", true);
    return this.manifest;
  };
  /* The query in Simplified; the map is fetched only for a query with Chinese characters. */
  Index.prototype.fold = async function (query) {
    if (!HAN.test(query)) return query;
    if (!t2s) {
      var pair = await this.get("t2s.json"), map = {};  // ["<Traditional>", "<Simplified>"], char n to char n
      for (var i = 0; i < pair[0].length; i++) map[pair[0].charAt(i)] = pair[1].charAt(i);
      t2s = map;
    }
    return fold(query);
  };
  Index.prototype.postings = async function (token) {
    var m = this.manifest, dir = m.version + "/";
    var shard = await this.get(dir + "s" + (crc32(token) % m.shards) + ".json");
    var code = Object.prototype.hasOwnProperty.call(shard, token) ? shard[token] : "";
    if (code.charAt(0) === "@") code = await this.get(dir + "t" + code.slice(1) + ".json");
    return tokenScores(code);
  };
  /* [number, score] of every story with all the tokens, best first, then newest. */
  Index.prototype.ranked = async function (query) {
    await this.load();
    var tokens = queryTokens(query), self = this;
    if (!tokens.length) return [];
    var lists = await Promise.all(tokens.map(function (t) { return self.postings(t); }));
    lists.sort(function (a, b) { return a.size - b.size; });
    var total = [];
    lists[0].forEach(function (score, n) {
      for (var i = 1; i < lists.length; i++) {
        var s = lists[i].get(n);
        if (s === undefined) return;
        score += s;
      }
      total.push([n, score]);
    });
    total.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return total;
  };
  Index.prototype.docs = async function (numbers) {
    var m = this.manifest, self = this;
    return Promise.all(numbers.map(async function (n) {
      var chunk = await self.get(m.version + "/d" + Math.floor(n / m.chunk) + ".json");
      return chunk[n % m.chunk];
    }));
  };

  if (typeof module === "object" && module.exports) {  // Node, for the tests only
    module.exports = { fold: fold, normalise: normalise, queryTokens: queryTokens, crc32: crc32, decode: decode, tokenScores: tokenScores };
  }
  if (typeof document === "undefined") return;

  /* ---------------------------------------------------------------- page */

  function terms(query) {
    var out = [];
    runs(query).forEach(function (run) {
      out.push(run);
      if (isCjk(run)) for (var i = 0; i + 2 < run.length; i++) out.push(run.slice(i, i + 2));
    });
    return out;
  }

  function highlighted(text, words) {
    var frag = document.createDocumentFragment(), hay = fold(normalise(text)), marks = [];
    if (hay.length === text.length) {
      words.forEach(function (w) {
        for (var at = hay.indexOf(w); at >= 0; at = hay.indexOf(w, at + 1)) marks.push([at, at + w.length]);
      });
    }
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[1] <= pos) return;
      var start = Math.max(m[0], pos);
      if (start > pos) frag.appendChild(document.createTextNode(text.slice(pos, start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, m[1]);
      frag.appendChild(mark);
      pos = m[1];
    });
    frag.appendChild(document.createTextNode(text.slice(pos)));
    return frag;
  }

  function el(tag, cls, child) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (child) node.appendChild(child);
    return node;
  }

  function result(doc, root, words) {
    var url = doc[0], title = doc[1], name = doc[2], unit = doc[3], year = doc[4], snippet = doc[5];
    var li = el("li", "hr-result");
    var a = el("a", "hr-result__link");
    a.href = root + url;
    a.appendChild(el("span", "hr-result__title", highlighted(title, words)));
    li.appendChild(a);
    var meta = el("p", "hr-result__meta");
    meta.appendChild(el("span", "hr-result__name", highlighted(name, words)));
    [unit, year ? year + "年" : ""].forEach(function (part) {
      if (!part) return;
      meta.appendChild(document.createTextNode(" · "));
      meta.appendChild(highlighted(String(part), words));
    });
    li.appendChild(meta);
    if (snippet) li.appendChild(el("p", "hr-result__snippet", highlighted(snippet, words)));
    return li;
  }

  /* The status lines in the page's own script (the Traditional edition says lang="zh-Hant", zh-TW or zh-HK). */
  var HANT = /^zh-(hant|tw|hk)/i.test(document.documentElement.lang || "");
  var SAY = HANT
    ? { busy: "正在搜索……", empty: "請輸入姓名、單位或故事中的詞語。", none: ["沒有找到含“", "”的故事。"],
        found: ["找到 ", " 個故事"], down: "搜索暫時不可用，請稍後再試。" }
    : { busy: "正在搜索……", empty: "请输入姓名、单位或故事中的词语。", none: ["没有找到含“", "”的故事。"],
        found: ["找到 ", " 个故事"], down: "搜索暂时不可用，请稍后再试。" };

  function start(form) {
    var input = form.querySelector("input[type=search]");
    var status = document.getElementById("hr-search-status");
    var list = document.getElementById("hr-search-results");
    var more = document.getElementById("hr-search-more");
    var root = form.getAttribute("data-root") || "../";
    var index = new Index(form.getAttribute("data-index") || "./");
    var current = { id: 0, hits: [], shown: 0, words: [] };

    async function show(id) {
      var next = current.hits.slice(current.shown, current.shown + PAGE);
      var docs = await index.docs(next.map(function (h) { return h[0]; }));
      if (id !== current.id) return;
      docs.forEach(function (doc) { list.appendChild(result(doc, root, current.words)); });
      current.shown += next.length;
      more.hidden = current.shown >= current.hits.length;
    }

    async function run(query) {
      var id = ++current.id;
      list.textContent = "";
      more.hidden = true;
      query = query.trim();
      if (!query) { status.textContent = ""; return; }
      status.textContent = SAY.busy;
      try {
        var hits, folded = await index.fold(query);
        try {
          hits = await index.ranked(folded);
        } catch (err) {  // the site was rebuilt since the manifest was read: read it again
          index.manifest = null;
          hits = await index.ranked(folded);
        }
        if (id !== current.id) return;
        current.hits = hits; current.shown = 0; current.words = terms(folded);
        if (!queryTokens(folded).length) status.textContent = SAY.empty;
        else if (!hits.length) status.textContent = SAY.none[0] + query + SAY.none[1];
        else status.textContent = SAY.found[0] + hits.length + SAY.found[1];
        await show(id);
      } catch (err) {
        if (id === current.id) status.textContent = SAY.down;
      }
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = input.value;
      if (window.history && history.replaceState) {
        history.replaceState(null, "", q.trim() ? "?q=" + encodeURIComponent(q.trim()) : location.pathname);
      }
      run(q);
    });
    more.addEventListener("click", function () { show(current.id); });
    var q = new URLSearchParams(location.search).get("q");
    if (q) { input.value = q; run(q); }
  }

  function init() {
    var form = document.getElementById("hr-search");
    if (form && !form.hasAttribute("data-ready")) { form.setAttribute("data-ready", ""); start(form); }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
  /* Material's instant navigation swaps pages without reloading scripts. */
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
})();
