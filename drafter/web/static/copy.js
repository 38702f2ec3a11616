// Conveniences only: the page works without this file.
// "Copy text" puts a letter's text on the clipboard; "Print" opens the print dialog. The words
// it shows are the button's data-copied and data-failed, in the page's language.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var id = button.getAttribute("data-copy");
      var text = document.getElementById(id).textContent;
      var status = document.querySelector('.copied[data-for="' + id + '"]');
      navigator.clipboard.writeText(text).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () {
        status.textContent = button.getAttribute("data-failed");
      });
    });
  });
  document.querySelectorAll("button.print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
