import cytoscape from 'cytoscape';
const app = document.getElementById('app')!;
app.textContent = 'lineage';
cytoscape({ container: app, elements: [] });
