// Live progress for the QRCards pages: each page's card names its SSE endpoint (this Flask
// app relays spool's events) in data-events; every message is a JSON snapshot.

function $(id) {
  return document.getElementById(id);
}

function setState(state) {
  const el = $("state");
  if (!el) return;
  el.textContent = state;
  el.className = `state ${state}`;
}

function follow(url, onSnapshot) {
  const source = new EventSource(url);
  source.onmessage = (msg) => {
    const snap = JSON.parse(msg.data);
    onSnapshot(snap);
    if (snap.done) source.close();
  };
  return source;
}

function rows(table, items, cells) {
  for (const item of items) {
    const tr = document.createElement("tr");
    for (const value of cells(item)) {
      const td = document.createElement("td");
      td.textContent = String(value);
      tr.appendChild(td);
    }
    table.appendChild(tr);
  }
}

function jobPage(card) {
  follow(card.dataset.events, (snap) => {
    setState(snap.state);
    if ($("message")) $("message").textContent = snap.message;
    if ($("bar")) $("bar").style.width = `${snap.percent}%`;
    if (snap.state === "completed" && $("download")) {
      $("download").hidden = false;
      if ($("pdf-info") && snap.result)
        $("pdf-info").textContent =
          `(${snap.result.cards} cards, ${snap.result.pages} pages, ${Math.round(snap.result.bytes / 1024)} KiB)`;
    }
    if (snap.state === "completed" && $("result")) {
      $("result").hidden = false;
      $("result").textContent = JSON.stringify(snap.result, null, 2);
    }
    if (snap.error && $("error")) {
      $("error").hidden = false;
      $("error").textContent = snap.error;
    }
  });
}

function analyticsPage(card) {
  const grid = $("grid");
  const cells = [];
  follow(card.dataset.events, (snap) => {
    while (cells.length < snap.total) {
      const cell = document.createElement("span");
      cell.title = `site ${cells.length}`;
      grid.appendChild(cell);
      cells.push(cell);
    }
    snap.sites.forEach((state, i) => {
      cells[i].className = `cell ${state}`;
    });
    setState(snap.state);
    $("counter").textContent = `${snap.completed} / ${snap.total} databases`;
    $("merge").textContent = snap.merge;
    if (snap.report) {
      const r = snap.report;
      $("report").hidden = false;
      $("total-scans").textContent = r.scans.toLocaleString("en");
      $("total-sites").textContent = r.sites;
      rows($("countries"), r.countries, (c) => [c.country, c.scans.toLocaleString("en"), `${c.share} %`]);
      rows($("top-sites"), r.topSites, (s) => [s.site, s.scans.toLocaleString("en"), s.p50Ms, s.p95Ms]);
      rows($("devices"), Object.entries(r.devices), ([d, n]) => [d, n.toLocaleString("en")]);
    }
  });
}

function bulkPage(card) {
  follow(card.dataset.events, (snap) => {
    setState(snap.state);
    $("bar").style.width = `${snap.percent}%`;
    $("counter").textContent = `${snap.completed} / ${snap.total} jobs`;
    $("codes").textContent =
      `(${snap.codes.toLocaleString("en")} of ${snap.count.toLocaleString("en")} QR codes)`;
    $("cancelled-count").textContent = snap.cancelled ? `· ${snap.cancelled} cancelled` : "";
    if (snap.done) $("cancel").disabled = true;
    if (snap.state === "completed") $("download").hidden = false;
  });
  $("cancel-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("cancel").disabled = true;
    await fetch(card.dataset.cancel, { method: "POST", headers: { Accept: "application/json" } });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  if ($("job")) jobPage($("job"));
  if ($("analytics")) analyticsPage($("analytics"));
  if ($("bulk")) bulkPage($("bulk"));
});
