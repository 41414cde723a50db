// The show/hide button beside a password field. The button is in the page
// but hidden; this script shows it and makes it work. Without JavaScript
// the field is an ordinary password field. (600 bytes instead of the wasm:
// the sign-in and registration pages need nothing else in the browser.)
for (const button of document.querySelectorAll("button.toggle-password[data-for]")) {
	const input = document.getElementById(button.dataset.for);
	if (!input) continue;
	button.addEventListener("click", () => {
		const show = input.type === "password";
		input.type = show ? "text" : "password";
		button.setAttribute("aria-pressed", String(show));
		button.textContent = show ? button.dataset.hide : button.dataset.show;
	});
	button.hidden = false;
}
