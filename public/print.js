// The certificate's "Print" button: shown and wired up here, because the
// page's Content-Security-Policy allows no inline event handlers. Without
// JavaScript the browser's own print command does the same.
for (const button of document.querySelectorAll("button[data-print]")) {
	button.addEventListener("click", () => window.print());
	button.hidden = false;
}
