// Loads the wasm only where the page has an island; then hydrates each
// island in document order (as Leptos's own island script does), and marks
// <html data-hydrated> once all of them are live.
const islands = document.getElementsByTagName("leptos-island");
if (islands.length > 0) {
	// Start fetching the wasm while the JavaScript glue loads.
	const wasm = fetch("@WASM@");
	const mod = await import("@JS@");
	await mod.default({ module_or_path: wasm });
	mod.hydrate();
	const childrenCallbacks = [];
	async function visit(node) {
		if (node.nodeType !== Node.ELEMENT_NODE) return;
		const tag = node.tagName.toLowerCase();
		if (tag === "leptos-island") {
			const hydrateIsland = mod[node.dataset.component];
			if (hydrateIsland) {
				const onChildren = childrenCallbacks[childrenCallbacks.length - 1];
				if (onChildren) onChildren();
				try {
					await hydrateIsland(node);
				} catch (error) {
					// One island that cannot load (a lost chunk) leaves the
					// others working; the page still works as plain forms.
					console.error(`The island ${node.dataset.component} did not start:`, error);
				}
			} else {
				console.error(`No wasm function for the island ${node.dataset.component}.`);
			}
		} else if (tag === "leptos-children") {
			childrenCallbacks.push(node.$$on_hydrate);
			for (const child of node.children) await visit(child);
			childrenCallbacks.pop();
			return;
		}
		for (const child of node.children) await visit(child);
	}
	await visit(document.body);
	document.documentElement.dataset.hydrated = "true";
}
