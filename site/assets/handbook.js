// Filter boxes above long tables: hide rows whose text does not contain what was typed.
document.addEventListener("input", function (event) {
  var box = event.target;
  if (!box.classList || !box.classList.contains("hb-filter")) return;
  var table = document.getElementById(box.getAttribute("data-table"));
  if (!table) return;
  var wanted = box.value.toLowerCase();
  table.querySelectorAll("tbody tr").forEach(function (row) {
    row.style.display = row.textContent.toLowerCase().indexOf(wanted) === -1 ? "none" : "";
  });
});
