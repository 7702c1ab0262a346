import { defineConfig } from 'vite';

// The explorer is served by the service itself at /explorer, from dist/explorer, with no CDN: it must work offline.
export default defineConfig({
  base: '/explorer/',
  build: {
    outDir: '../dist/explorer',
    emptyOutDir: true,
    // One small bundle; Cytoscape is most of it.
    chunkSizeWarningLimit: 1024,
  },
});
