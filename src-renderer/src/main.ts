import { createApp } from 'vue';
import { createPinia } from 'pinia';
import App from './App.vue';
import { captureToken } from './api/client';
import './styles.css';

// Before anything else: take the access token out of the address bar.
if (!window.lamina) captureToken();

createApp(App).use(createPinia()).mount('#app');
