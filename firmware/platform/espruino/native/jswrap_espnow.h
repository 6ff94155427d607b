/*
 * nowboard: ESP-NOW for Espruino, the `require("ESPNOW")` contract of
 * docs/bindings.md as a native module (docs/espnow-module.md).
 *
 * Part of the nowboard project, not of Espruino; built into a custom Espruino
 * firmware by adding jswrap_espnow.c to the board's WRAPPERSOURCES.
 */
#ifndef NOWBOARD_JSWRAP_ESPNOW_H
#define NOWBOARD_JSWRAP_ESPNOW_H

#include "jsvar.h"

/* Frames the Wi-Fi task may hand over before the JavaScript side takes them (the rest are dropped, counted). */
#define NB_ESPNOW_RX_SLOTS 8
/* Sends waiting for their ESP-NOW status; one more throws E_ESPNOW_BUSY. */
#define NB_ESPNOW_MAX_INFLIGHT 24
/* Unicast peers registered at once (ESP-NOW allows 20 in total; one is the broadcast peer). */
#define NB_ESPNOW_MAX_PEERS 19

JsVar *jswrap_espnow_mac(void);
void jswrap_espnow_send(JsVar *mac, JsVar *data, JsVar *callback);
void jswrap_espnow_on(JsVar *event, JsVar *callback);
JsVar *jswrap_espnow_stats(void);
void jswrap_espnow_listen(bool on);
bool jswrap_espnow_idle(void);
void jswrap_espnow_kill(void);

#endif
