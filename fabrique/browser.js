// What the dashboard does in the browser that Streamlit does not: installed once per tab by ui.style().
// 1. Phones: a tap on a menu link closes the sidebar (Streamlit closes it only for its own navigation,
//    which the dashboard hides so that links can carry the filters).
// 2. French names for the English labels Streamlit gives its controls (aria-label, title, placeholder):
//    screen readers and tooltips read French; and a few whole English texts (see TEXTS).
// 3. Printing: each chart remembers its width on screen (--fab-chart-w) so that the print style sheet can
//    scale it to the paper (a Plotly chart is drawn in pixels and would be cut at the right edge).
(() => {
  if (window.__fabrique) return;
  window.__fabrique = true;

  // Streamlit's "md" breakpoint: at or below it the sidebar lies over the page instead of beside it.
  const OVERLAY_WIDTH = 768;
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest('[data-testid="stSidebar"] [data-testid="stPageLink"] a');
    if (!link || window.innerWidth > OVERLAY_WIDTH) return;
    const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
    if (close) close.click();
  }, true);

  const WORDS = {
    "Collapse sidebar": "Replier le panneau des filtres",
    "Expand sidebar": "Ouvrir le panneau des filtres",
    "Sidebar": "Panneau des filtres et du menu",
    "Link to heading": "Lien vers ce titre",
    "Copy to clipboard": "Copier dans le presse-papiers",
    "Copied": "Copié",
    "Open": "Ouvrir la liste",
    "Clear all": "Tout effacer",
    "Clear": "Effacer",
    "Close": "Fermer",
    "Show password text": "Afficher le mot de passe",
    "Hide password text": "Masquer le mot de passe",
    "Fullscreen": "Plein écran",
    "Close fullscreen": "Quitter le plein écran",
    "Choose an option": "Choisir",
    "Choose options": "Choisir",
    "No results": "Aucun résultat",
    "Selected values": "Valeurs choisies",
  };
  const PREFIXES = [["Help for ", "Aide : "], ["Remove ", "Retirer "], ["Delete ", "Retirer "]];
  const ATTRIBUTES = ["aria-label", "title", "placeholder"];

  function french(value) {
    if (Object.prototype.hasOwnProperty.call(WORDS, value)) return WORDS[value];
    for (const [en, fr] of PREFIXES) if (value.startsWith(en)) return fr + value.slice(en.length);
    return null;
  }

  // Whole texts Streamlit writes in English (a list with no match, a form's keyboard hint): only text nodes
  // that are exactly one of these change, so a name in the data is never touched.
  const TEXTS = {
    "No results": "Aucun résultat",
    "Press Enter to submit form": "Entrée pour valider",
    "Press Enter to apply": "Entrée pour valider",
    "Press ⌘+Enter to apply": "⌘+Entrée pour valider",
    "Press Ctrl+Enter to apply": "Ctrl+Entrée pour valider",
    "Drag and drop files here": "Déposez vos fichiers ici",
    "Drag and drop a file here": "Déposez un fichier ici",
    "Upload": "Choisir un fichier",
  };
  const TEXT_PATTERNS = [[/^(\d+(?:[.,]\d+)?)\s?MB per file$/, "$1 Mo par fichier"],
                         [/^(\d+(?:[.,]\d+)?)\s?KB per file$/, "$1 Ko par fichier"]];

  function frenchText(value) {
    const t = value.trim();
    if (Object.prototype.hasOwnProperty.call(TEXTS, t)) return TEXTS[t];
    for (const [re, fr] of TEXT_PATTERNS) if (re.test(t)) return t.replace(re, fr);
    return null;
  }

  function translateTexts(root) {
    if (root.nodeType === 3) {
      const fr = frenchText(root.nodeValue);
      if (fr) root.nodeValue = fr;
      return;
    }
    if (!root.ownerDocument) return;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    let n;
    while ((n = walker.nextNode())) {
      const fr = frenchText(n.nodeValue);
      if (fr) n.nodeValue = fr;
    }
  }

  function translate(root) {
    translateTexts(root);
    if (!root.querySelectorAll) return;
    const nodes = root.querySelectorAll("[aria-label],[title],[placeholder]");
    for (const el of [root, ...nodes]) {
      if (!el.getAttribute) continue;
      for (const name of ATTRIBUTES) {
        const value = el.getAttribute(name);
        const fr = value && french(value);
        if (fr) el.setAttribute(name, fr);
      }
    }
  }

  function measureCharts() {
    for (const chart of document.querySelectorAll(".stPlotlyChart")) {
      const svg = chart.querySelector("svg.main-svg");
      const width = svg && parseFloat(svg.getAttribute("width"));
      const box = chart.closest('[data-testid="stElementContainer"]') || chart;
      if (width > 0) box.style.setProperty("--fab-chart-w", String(width));
    }
  }

  let pending = false;
  const pendingRoots = new Set();
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === "attributes") pendingRoots.add(m.target);
      if (m.type === "characterData") pendingRoots.add(m.target);
      for (const n of m.addedNodes || []) if (n.nodeType === 1 || n.nodeType === 3) pendingRoots.add(n);
    }
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      for (const root of pendingRoots) translate(root);
      pendingRoots.clear();
      measureCharts();
    });
  }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true,
                             attributeFilter: ["aria-label", "title", "placeholder", "width"]});
  translate(document.body);
  measureCharts();
  // Printing without a visible change first (Ctrl+P right after a rerun): measure once more.
  window.addEventListener("beforeprint", measureCharts);
})();
