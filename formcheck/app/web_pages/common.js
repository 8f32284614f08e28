// Shared by the pages: the exercise pickers.
async function fillExercises(exSel, varSel) {
  const list = await (await fetch("/api/exercises")).json();
  for (const e of list) exSel.add(new Option(e.title, e.name));
  const refill = () => {
    varSel.length = 1;
    const e = list.find((x) => x.name === exSel.value);
    if (e) for (const v of e.variants) varSel.add(new Option(v.title, v.name));
  };
  exSel.addEventListener("change", refill);
  const q = new URLSearchParams(location.search);
  if (q.get("exercise")) { exSel.value = q.get("exercise"); refill(); }
  if (q.get("variant")) varSel.value = q.get("variant");
}
function esc(s) { return String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c])); }
