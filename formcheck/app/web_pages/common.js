// Shared by the pages: the exercise pickers.
const PROGRAM = "@program";  // the picker's value for "the routine, done as the server's program"
async function fillExercises(exSel, varSel) {
  const [list, program] = await Promise.all([fetch("/api/exercises"), fetch("/api/program")].map(
    async (r) => (await r).json()));
  // started with --program: following it is what this person came for, so it is the first choice
  if (program && program.name) {
    exSel.insertBefore(new Option(`the program: ${program.name}`, PROGRAM, true, true), exSel.options[0]);
  } else if (program && program.error) {  // the file was edited badly since: say so where the choice would be
    const bad = new Option(`the program cannot be read: ${program.error}`, "");
    bad.disabled = true;
    exSel.insertBefore(bad, exSel.options[0]);
  }
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
// The query a session is asked for with: an exercise and variant, or the routine as the program.
function choice(exSel, varSel) {
  return exSel.value === PROGRAM ? {exercise: "", variant: "", program: "1"}
    : {exercise: exSel.value, variant: varSel.value};
}
