// The search box: results from the site's index as the reader types. "/" focuses it; the
// arrows choose a result, Enter opens it, Escape closes the list. Without JavaScript the
// box stays hidden. The index is fetched in pieces: its table on the first focus, then
// the chunk of words each query needs and the pages of the results shown.
(() => {
  const form = document.querySelector(".site-search");
  if (!form) return;
  const input = form.querySelector("input");
  const list = form.querySelector(".search-results");
  const status = form.querySelector(".search-status");
  const base = form.dataset.index.replace(/[^/]*$/, "");
  const MOST = 8;
  const BEGINNING = 3; // a word being typed matches the words it begins from this length
  const PAUSE = 30; // ms: keys typed faster than this make one query, not one each
  const fetched = new Map();
  let table = null;
  let options = [];
  let active = -1;
  let asked = 0;

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    open(active >= 0 ? active : 0);
  });

  // A file of the index: the table (asked again of the server each time the page loads),
  // or a file of the table's version ("words/5f3a9c01d2e4.json?v=…", kept by the browser).
  function load(name) {
    const url = name === "index.json" ? base + name : `${base}${name}?v=${table.version}`;
    if (!fetched.has(url)) {
      const cache = name === "index.json" ? "no-cache" : "default";
      fetched.set(url, fetch(url, { cache }).then((response) => response.json()));
    }
    return fetched.get(url);
  }

  // As the index folds words: lower case, without accents.
  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  // As the index cuts words: each Chinese or Japanese character; a run of Thai, Lao, Burmese
  // or Khmer letters (written without spaces between words) into its pairs of letters; else
  // a run of letters.
  const IDEOGRAPH = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff";
  const SPACELESS = "\\u0e00-\\u0eff\\u1000-\\u109f\\u1780-\\u17ff\\u19e0-\\u19ff";
  const LETTER = "[\\p{L}\\p{N}\\p{M}_]";
  const WORD_SOURCE = `[${IDEOGRAPH}]|(?:(?=${LETTER})[${SPACELESS}])+|(?:(?![${IDEOGRAPH}${SPACELESS}])${LETTER})+`;
  const WORD = new RegExp(WORD_SOURCE, "gu");
  const PAIRED = new RegExp(`^[${SPACELESS}]{2}`, "u");
  const pieces = (word) =>
    PAIRED.test(word) ? [...word.slice(1)].map((_, at) => word.slice(at, at + 2)) : [word];
  const wordsOf = (text) => (fold(text).match(WORD) || []).flatMap(pieces);

  // The chunks that may hold words from ``first`` to ``last``.
  function chunksFor(first, last) {
    const words = table.words;
    let low = 0;
    while (low + 1 < words.length && words[low + 1][0] <= first) low += 1;
    const found = [];
    for (let at = low; at < words.length && words[at][0] <= last; at += 1) {
      found.push(`words/${words[at][1]}.json`);
    }
    return found;
  }

  // Page number → score, for one word of the query: the word itself, or, for the word
  // being typed, every word it begins (the best score of each page). The index holds each
  // page's share of its BM25 score; the word's rarity (idf) comes from how many pages
  // have it.
  async function scores(word, beginning) {
    const last = beginning ? word + "\u{10FFFF}" : word;
    const chunks = await Promise.all(chunksFor(word, last).map(load));
    const found = new Map();
    for (const chunk of chunks) {
      for (const [indexed, postings] of Object.entries(chunk)) {
        if (indexed === word || (beginning && indexed.startsWith(word))) {
          const having = postings.length / 2;
          const idf = Math.log(1 + (table.pages - having + 0.5) / (having + 0.5));
          const weight = (indexed === word ? 1 : 0.8) * idf;
          for (let at = 0; at < postings.length; at += 2) {
            const score = postings[at + 1] * weight;
            if (score > (found.get(postings[at]) || 0)) found.set(postings[at], score);
          }
        }
      }
    }
    return found;
  }

  async function search(query) {
    table = table || (await load("index.json"));
    const words = wordsOf(query);
    if (!words.length) return [];
    const typing = !/\s$/.test(query);
    const beginning = (word, at) => typing && at === words.length - 1 && word.length >= BEGINNING;
    const each = await Promise.all(words.map((word, at) => scores(word, beginning(word, at))));
    let total = each[0];
    for (const found of each.slice(1)) {
      const both = new Map();
      for (const [page, score] of total) if (found.has(page)) both.set(page, score + found.get(page));
      total = both;
    }
    const best = [...total].sort((a, b) => b[1] - a[1] || a[0] - b[0]).slice(0, MOST);
    const pages = await Promise.all(best.map(([page]) => load(`pages/${page}.json`)));
    return pages.map((page) => ({ page, words, typing }));
  }

  // About thirty words around the first place the query's words are found, those marked.
  function excerpt({ page, words, typing }) {
    const paragraph = document.createElement("p");
    const parts = page.x.split(new RegExp(`(${WORD_SOURCE})`, "u"));
    const matches = (part, at) => {
      if (at % 2 === 0) return false;
      const last = words.length - 1;
      return wordsOf(part).some((piece) =>
        words.some(
          (word, n) => piece === word || (typing && n === last && word.length >= BEGINNING && piece.startsWith(word)),
        ),
      );
    };
    const first = parts.findIndex(matches);
    const start = Math.max(0, (first < 0 ? 0 : first) - 20);
    const shown = parts.slice(start, start + 60);
    if (start > 0) paragraph.append("… ");
    shown.forEach((part, at) => {
      if (matches(part, start + at)) {
        const mark = document.createElement("mark");
        mark.textContent = part;
        paragraph.append(mark);
      } else {
        paragraph.append(part);
      }
    });
    if (start + 60 < parts.length) paragraph.append(" …");
    return paragraph;
  }

  function show(results, query) {
    list.replaceChildren();
    options = results.map((result, number) => {
      const option = document.createElement("a");
      option.href = new URL(result.page.u, new URL(base, location.href)).href; // relative in portable builds
      option.id = `search-result-${number}`;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.tabIndex = -1;
      const title = document.createElement("span");
      title.className = "search-title";
      title.textContent = result.page.t;
      option.append(title);
      if (result.page.s) {
        const section = document.createElement("span");
        section.className = "search-section";
        section.textContent = result.page.s;
        option.append(section);
      }
      option.append(excerpt(result));
      list.append(option);
      return option;
    });
    active = -1;
    input.removeAttribute("aria-activedescendant");
    const shown = query !== "";
    list.hidden = !shown;
    input.setAttribute("aria-expanded", String(shown));
    const count = (form.dataset.results || "Results: {count}").replace("{count}", () => results.length);
    status.textContent = shown ? count : "";
    if (shown && !results.length) {
      const none = document.createElement("p");
      none.className = "search-none";
      none.textContent = (form.dataset.none || "Nothing found for “{query}”.").replace("{query}", () => query);
      list.append(none);
    }
  }

  function choose(number) {
    if (!options.length) return;
    active = (number + options.length) % options.length;
    options.forEach((option, at) => option.setAttribute("aria-selected", String(at === active)));
    input.setAttribute("aria-activedescendant", options[active].id);
    options[active].scrollIntoView({ block: "nearest" });
  }

  function open(number) {
    if (options[number]) window.location.href = options[number].href;
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  input.addEventListener("focus", () => load("index.json").then((loaded) => (table = loaded)), {
    once: true,
  });
  input.addEventListener("input", async () => {
    const query = input.value;
    const number = (asked += 1);
    await new Promise((resolve) => setTimeout(resolve, PAUSE));
    if (number !== asked) return;
    const results = query.trim() ? await search(query) : [];
    if (number === asked) show(results, query.trim()); // else a newer query came meanwhile
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (list.hidden && options.length) list.hidden = false;
      choose(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Escape") {
      if (!list.hidden) close();
      else input.value = "";
    }
  });
  form.addEventListener("focusout", (event) => {
    if (!form.contains(event.relatedTarget)) close();
  });
  document.addEventListener("keydown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    const typing = target && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      input.focus();
    }
  });
})();
