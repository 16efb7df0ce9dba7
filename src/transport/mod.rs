//! Sockets, WebSocket, request matching.
