import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

const server = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [sveltekit()],
  server: { proxy: { '/api': server, '/socket.io': { target: server, ws: true } } },
});
