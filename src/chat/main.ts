// The chat page's entry (chat.html, served by the backend at /chat).
import './chat-app.js';
