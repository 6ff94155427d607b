/*
 * nowboard: ESP-NOW for Espruino on ESP-IDF — the `require("ESPNOW")`
 * contract of docs/bindings.md, so the nowboard bundles talk over ESP-NOW on
 * a custom Espruino ESP32 firmware (docs/espnow-module.md says how to build
 * one). Part of the nowboard project, not of Espruino.
 *
 *   var espnow = require("ESPNOW");
 *   espnow.mac()                  Uint8Array(6): our station MAC
 *   espnow.send(mac, data, cb)    mac: 6 bytes (ff:ff:ff:ff:ff:ff = broadcast),
 *                                 data: at most 250 bytes; cb(ok) later, never
 *                                 synchronously, with the ESP-NOW send status
 *                                 (unicast: the peer's MAC acknowledged).
 *                                 Throws E_BAD_MAC, E_FRAME_TOO_LARGE <n>,
 *                                 E_ESPNOW_BUSY, E_ESPNOW_INIT <err>.
 *   espnow.on('recv', fn)         fn(mac, data, rssi) for every frame heard
 *   espnow.stats()                counters (frames heard, dropped, sent, failed, peers evicted)
 *   espnow.listen(on)             receiver on (true) or off (false); sending works either way
 *                                 (issue 14, a duty-cycled enrollee; see "Listen" below)
 *
 * Threads. ESP-IDF calls the receive and send callbacks on the Wi-Fi task.
 * They never touch a JsVar: they copy the frame (or the status) into a small
 * ring under a lock and wake Espruino's task (jshHadEvent). The idle hook,
 * which runs on Espruino's task, takes ring entries and puts the JavaScript
 * callbacks on Espruino's event queue (jsiQueueEvents), where they run like
 * any other event. A full receive ring drops the frame and counts it (the
 * radio may drop frames anyway; the protocols retry).
 *
 * Peers. ESP-NOW sends only to registered peers: the broadcast peer is added
 * at start, a unicast peer at its first send. ESP-NOW holds at most 20; when
 * the table is full the least recently used peer with no send in flight is
 * removed (a configurator meets more enrollees than that).
 *
 * Start. The first call to mac(), send() or on() starts ESP-NOW (and Wi-Fi in
 * station mode if nothing started it); a reset or load() stops it again. A
 * send that fails because Wi-Fi was stopped meanwhile (Espruino stops it when
 * its Wifi library goes idle) starts Wi-Fi again and is tried once more.
 * ESP-NOW uses the station's current channel: when the board joins an access
 * point, its peers must be on that channel too.
 *
 * Listen. listen(false) closes a gate on the Wi-Fi task side: frames heard
 * while it is closed are dropped and counted (stats().rxOff), never queued, so
 * a receiver that is off receives nothing, on any ESP-IDF. Where ESP-IDF has
 * power save for connectionless modules (CONFIG_ESP_WIFI_STA_DISCONNECTED_PM_ENABLE,
 * ESP-IDF 5), the radio itself sleeps too: modem sleep (WIFI_PS_MIN_MODEM) with
 * an ESP-NOW wake window of 0, so it wakes only to transmit; listen(true)
 * restores the full window and WIFI_PS_NONE. Without that option the gate is
 * all there is: the radio keeps listening and saves nothing (docs/bindings.md).
 */
#include <string.h>
#include "jswrap_espnow.h"
#include "jsvariterator.h"
#include "jsinteractive.h"
#include "jsparse.h"
#include "jshardware.h"
#include "jswrap_arraybuffer.h"

#if defined(LINUX) && !defined(ESP_PLATFORM)
/* TEST STAND-IN: a Linux build has no radio, so esp_now_* come from
 * standin/esp_now_standin.c (ESP-NOW semantics over UDP on 127.0.0.1). It
 * exists only to prove this module's JavaScript surface; never on a board. */
#include "standin/esp_now_standin.h"
#include <pthread.h>
static pthread_mutex_t nbLock = PTHREAD_MUTEX_INITIALIZER;
#define NB_LOCK() pthread_mutex_lock(&nbLock)
#define NB_UNLOCK() pthread_mutex_unlock(&nbLock)
#else
#include "esp_now.h"
#include "esp_wifi.h"
#include "esp_idf_version.h"
#include "freertos/FreeRTOS.h"
static portMUX_TYPE nbLock = portMUX_INITIALIZER_UNLOCKED;
#define NB_LOCK() portENTER_CRITICAL(&nbLock)
#define NB_UNLOCK() portEXIT_CRITICAL(&nbLock)
#endif

#ifndef ESP_IDF_VERSION_VAL
#define ESP_IDF_VERSION_VAL(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#endif
#ifndef ESP_IDF_VERSION
#define ESP_IDF_VERSION ESP_IDF_VERSION_VAL(4, 4, 0)
#endif

/* Hidden-root names: the receive callback, and the callbacks of sends in flight (in send order). */
#define NB_RX_NAME "NbEspRx"
#define NB_CB_NAME "NbEspCb"

typedef struct {
  uint8_t mac[6];
  int8_t rssi;
  uint8_t len;
  uint8_t data[ESP_NOW_MAX_DATA_LEN];
} NbRx;

typedef struct {
  uint8_t mac[6];
  uint8_t ok;
} NbTx;

/* Written by the Wi-Fi task, read by Espruino's task: only under NB_LOCK. */
static NbRx rxRing[NB_ESPNOW_RX_SLOTS];
static unsigned int rxHead, rxCount;
static uint32_t rxFrames, rxDropped, rxOff;
/* listen(false): frames heard are dropped (counted in rxOff) instead of queued. */
static bool rxDeaf;
/* Never more entries than sends in flight, so it cannot overflow. */
static NbTx txRing[NB_ESPNOW_MAX_INFLIGHT];
static unsigned int txHead, txCount;

/* Espruino's task only. */
static bool nbStarted;
static unsigned int inFlight;
static uint32_t txOk, txFail, evictions;
static uint8_t peerMac[NB_ESPNOW_MAX_PEERS][6];
static uint32_t peerUsed[NB_ESPNOW_MAX_PEERS];
static uint8_t peerBusy[NB_ESPNOW_MAX_PEERS];
static int peerCount;
static uint32_t useClock;

static const uint8_t BROADCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* ------------------------------------------------------------ Wi-Fi task side */

static void nbPushRx(const uint8_t *mac, int rssi, const uint8_t *data, int len) {
  if (!mac || !data || len < 0 || len > ESP_NOW_MAX_DATA_LEN) return;
  NB_LOCK();
  if (rxDeaf) {
    rxOff++;
    NB_UNLOCK();
    return;
  }
  if (rxCount == NB_ESPNOW_RX_SLOTS) {
    rxDropped++;
  } else {
    NbRx *r = &rxRing[(rxHead + rxCount) % NB_ESPNOW_RX_SLOTS];
    memcpy(r->mac, mac, 6);
    r->rssi = (int8_t)rssi;
    r->len = (uint8_t)len;
    memcpy(r->data, data, (size_t)len);
    rxCount++;
    rxFrames++;
  }
  NB_UNLOCK();
  jshHadEvent();
}

static void nbPushStatus(const uint8_t *mac, bool ok) {
  NB_LOCK();
  if (txCount < NB_ESPNOW_MAX_INFLIGHT) {
    NbTx *t = &txRing[(txHead + txCount) % NB_ESPNOW_MAX_INFLIGHT];
    if (mac) memcpy(t->mac, mac, 6);
    else memset(t->mac, 0, 6);
    t->ok = ok ? 1 : 0;
    txCount++;
  }
  NB_UNLOCK();
  jshHadEvent();
}

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 0, 0)
static void nbRecv(const esp_now_recv_info_t *info, const uint8_t *data, int len) {
  nbPushRx(info->src_addr, info->rx_ctrl ? info->rx_ctrl->rssi : 0, data, len);
}
#else
/* ESP-IDF 4 gives no RSSI to the receive callback: reported as 0. */
static void nbRecv(const uint8_t *mac, const uint8_t *data, int len) {
  nbPushRx(mac, 0, data, len);
}
#endif

#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
static void nbSent(const esp_now_send_info_t *info, esp_now_send_status_t status) {
  nbPushStatus(info ? info->des_addr : 0, status == ESP_NOW_SEND_SUCCESS);
}
#else
static void nbSent(const uint8_t *mac, esp_now_send_status_t status) {
  nbPushStatus(mac, status == ESP_NOW_SEND_SUCCESS);
}
#endif

/* ------------------------------------------------------------ Espruino's task */

static bool nbPopRx(NbRx *out) {
  bool got = false;
  NB_LOCK();
  if (rxCount) {
    *out = rxRing[rxHead];
    rxHead = (rxHead + 1) % NB_ESPNOW_RX_SLOTS;
    rxCount--;
    got = true;
  }
  NB_UNLOCK();
  return got;
}

static bool nbPopStatus(NbTx *out) {
  bool got = false;
  NB_LOCK();
  if (txCount) {
    *out = txRing[txHead];
    txHead = (txHead + 1) % NB_ESPNOW_MAX_INFLIGHT;
    txCount--;
    got = true;
  }
  NB_UNLOCK();
  return got;
}

static void nbClearRings(void) {
  NB_LOCK();
  rxHead = rxCount = txHead = txCount = 0;
  NB_UNLOCK();
}

static int nbPeerIndex(const uint8_t *mac) {
  for (int i = 0; i < peerCount; i++)
    if (!memcmp(peerMac[i], mac, 6)) return i;
  return -1;
}

static esp_err_t nbAddPeer(const uint8_t *mac) {
  esp_now_peer_info_t p;
  memset(&p, 0, sizeof(p));
  memcpy(p.peer_addr, mac, 6);
  p.channel = 0; /* the station's current channel */
  p.ifidx = WIFI_IF_STA;
  p.encrypt = false; /* the protocols encrypt and authenticate themselves */
  esp_err_t err = esp_now_add_peer(&p);
  return err == ESP_ERR_ESPNOW_EXIST ? ESP_OK : err;
}

/* Register a unicast peer on first use, evicting the least recently used idle one if the table is full. */
static bool nbEnsurePeer(const uint8_t *mac) {
  if (!memcmp(mac, BROADCAST, 6)) return true;
  int i = nbPeerIndex(mac);
  if (i < 0) {
    if (peerCount == NB_ESPNOW_MAX_PEERS) {
      int lru = -1;
      for (int k = 0; k < peerCount; k++)
        if (!peerBusy[k] && (lru < 0 || peerUsed[k] < peerUsed[lru])) lru = k;
      if (lru < 0) return false;
      esp_now_del_peer(peerMac[lru]);
      evictions++;
      peerCount--;
      memcpy(peerMac[lru], peerMac[peerCount], 6);
      peerUsed[lru] = peerUsed[peerCount];
      peerBusy[lru] = peerBusy[peerCount];
    }
    if (nbAddPeer(mac) != ESP_OK) return false;
    i = peerCount++;
    memcpy(peerMac[i], mac, 6);
    peerBusy[i] = 0;
  }
  peerUsed[i] = ++useClock;
  return true;
}

/* ESP-NOW needs Wi-Fi started (in station mode if nothing else chose a mode). */
static esp_err_t nbWifiUp(void) {
  wifi_mode_t mode;
  esp_err_t err = esp_wifi_get_mode(&mode);
  if (err != ESP_OK) return err;
  if (mode == WIFI_MODE_NULL) {
    err = esp_wifi_set_mode(WIFI_MODE_STA);
    if (err != ESP_OK) return err;
  }
  return esp_wifi_start(); /* a no-op if it runs */
}

static esp_err_t nbStart(void) {
  if (nbStarted) return ESP_OK;
  esp_err_t err = nbWifiUp();
  if (err != ESP_OK) return err;
  err = esp_now_init();
  if (err != ESP_OK) return err;
  esp_now_register_recv_cb(nbRecv);
  esp_now_register_send_cb(nbSent);
  err = nbAddPeer(BROADCAST);
  if (err != ESP_OK) {
    esp_now_deinit();
    return err;
  }
  nbClearRings();
  peerCount = 0;
  inFlight = 0;
  NB_LOCK();
  rxDeaf = false; /* every start listens, as the contract's first use expects */
  NB_UNLOCK();
  nbStarted = true;
  return ESP_OK;
}

static bool nbStartOrThrow(void) {
  esp_err_t err = nbStart();
  if (err != ESP_OK) {
    jsExceptionHere(JSET_ERROR, "E_ESPNOW_INIT %d", (int)err);
    return false;
  }
  return true;
}

static JsVar *nbBytes(const uint8_t *data, unsigned int len) {
  JsVar *ab = jsvNewArrayBufferWithData((JsVarInt)len, (unsigned char *)data);
  if (!ab) return 0;
  JsVar *u8 = jswrap_typedarray_constructor(ARRAYBUFFERVIEW_UINT8, ab, 0, 0);
  jsvUnLock(ab);
  return u8;
}

/*JSON{
  "type" : "library",
  "class" : "ESPNOW"
}
ESP-NOW for nowboard (its `require("ESPNOW")` contract): frames of up to 250
bytes to a MAC address or to everyone, with a send status, without joining any
network.
*/

/*JSON{
  "type" : "staticmethod",
  "class" : "ESPNOW",
  "name" : "mac",
  "generate" : "jswrap_espnow_mac",
  "return" : ["JsVar","A Uint8Array(6): this board's station MAC"]
}
*/
JsVar *jswrap_espnow_mac(void) {
  if (!nbStartOrThrow()) return 0;
  uint8_t mac[6];
  if (esp_wifi_get_mac(WIFI_IF_STA, mac) != ESP_OK) {
    jsExceptionHere(JSET_ERROR, "E_ESPNOW_MAC");
    return 0;
  }
  return nbBytes(mac, 6);
}

/*JSON{
  "type" : "staticmethod",
  "class" : "ESPNOW",
  "name" : "send",
  "generate" : "jswrap_espnow_send",
  "params" : [
    ["mac","JsVar","6 bytes: the peer, or ff:ff:ff:ff:ff:ff for everyone"],
    ["data","JsVar","at most 250 bytes"],
    ["callback","JsVar","[optional] callback(ok) with the ESP-NOW send status, called later"]
  ]
}
*/
void jswrap_espnow_send(JsVar *mac, JsVar *data, JsVar *callback) {
  uint8_t addr[6];
  if (!jsvIsIterable(mac) || jsvIterateCallbackCount(mac) != 6) {
    jsExceptionHere(JSET_ERROR, "E_BAD_MAC");
    return;
  }
  jsvIterateCallbackToBytes(mac, addr, 6);
  uint32_t len = jsvIsIterable(data) ? jsvIterateCallbackCount(data) : 0;
  if (len > ESP_NOW_MAX_DATA_LEN) {
    jsExceptionHere(JSET_ERROR, "E_FRAME_TOO_LARGE %d", (int)len);
    return;
  }
  uint8_t buf[ESP_NOW_MAX_DATA_LEN];
  if (len) jsvIterateCallbackToBytes(data, buf, len);
  if (!nbStartOrThrow()) return;
  if (inFlight >= NB_ESPNOW_MAX_INFLIGHT) {
    jsExceptionHere(JSET_ERROR, "E_ESPNOW_BUSY");
    return;
  }
  JsVar *pending = jsvObjectGetChild(execInfo.hiddenRoot, NB_CB_NAME, JSV_ARRAY);
  if (!pending) return; /* out of memory: already reported */
  jsvArrayPushAndUnLock(pending, jsvIsFunction(callback) ? jsvLockAgain(callback) : jsvNewNull());
  jsvUnLock(pending);
  inFlight++;
  bool queued = false;
  if (nbEnsurePeer(addr)) {
    int i = nbPeerIndex(addr);
    /* The status may arrive on the Wi-Fi task before esp_now_send returns: the ring keeps it for the idle hook. */
    esp_err_t err = esp_now_send(addr, buf, len);
    /* Espruino stops Wi-Fi when its Wifi library goes idle (Wifi.disconnect): start it again, once. */
    if (err != ESP_OK && err != ESP_ERR_ESPNOW_NO_MEM && nbWifiUp() == ESP_OK) err = esp_now_send(addr, buf, len);
    if (err == ESP_OK) {
      queued = true;
      if (i >= 0) peerBusy[i]++;
    }
  }
  /* Refused (no peer slot, no memory...): still answered later, as a failure, never from inside send(). */
  if (!queued) nbPushStatus(addr, false);
}

/*JSON{
  "type" : "staticmethod",
  "class" : "ESPNOW",
  "name" : "on",
  "generate" : "jswrap_espnow_on",
  "params" : [
    ["event","JsVar","\"recv\""],
    ["callback","JsVar","callback(mac, data, rssi) for every frame heard (mac and data are Uint8Arrays)"]
  ]
}
*/
void jswrap_espnow_on(JsVar *event, JsVar *callback) {
  if (!jsvIsStringEqual(event, "recv")) {
    jsExceptionHere(JSET_ERROR, "ESPNOW has one event: 'recv'");
    return;
  }
  if (!jsvIsFunction(callback)) {
    jsExceptionHere(JSET_TYPEERROR, "Expecting a function");
    return;
  }
  if (!nbStartOrThrow()) return;
  jsvObjectSetChild(execInfo.hiddenRoot, NB_RX_NAME, callback);
}

/*JSON{
  "type" : "staticmethod",
  "class" : "ESPNOW",
  "name" : "stats",
  "generate" : "jswrap_espnow_stats",
  "return" : ["JsVar","{rx, rxDropped, txOk, txFail, inFlight, peers, evictions, rxOff}"]
}
*/
JsVar *jswrap_espnow_stats(void) {
  JsVar *o = jsvNewObject();
  if (!o) return 0;
  uint32_t rx, dropped;
  NB_LOCK();
  rx = rxFrames;
  dropped = rxDropped;
  NB_UNLOCK();
  jsvObjectSetChildAndUnLock(o, "rx", jsvNewFromInteger((JsVarInt)rx));
  jsvObjectSetChildAndUnLock(o, "rxDropped", jsvNewFromInteger((JsVarInt)dropped));
  jsvObjectSetChildAndUnLock(o, "txOk", jsvNewFromInteger((JsVarInt)txOk));
  jsvObjectSetChildAndUnLock(o, "txFail", jsvNewFromInteger((JsVarInt)txFail));
  jsvObjectSetChildAndUnLock(o, "inFlight", jsvNewFromInteger((JsVarInt)inFlight));
  jsvObjectSetChildAndUnLock(o, "peers", jsvNewFromInteger((JsVarInt)peerCount));
  jsvObjectSetChildAndUnLock(o, "evictions", jsvNewFromInteger((JsVarInt)evictions));
  NB_LOCK();
  uint32_t off = rxOff;
  NB_UNLOCK();
  jsvObjectSetChildAndUnLock(o, "rxOff", jsvNewFromInteger((JsVarInt)off));
  return o;
}

/*JSON{
  "type" : "staticmethod",
  "class" : "ESPNOW",
  "name" : "listen",
  "generate" : "jswrap_espnow_listen",
  "params" : [
    ["on","bool","true: receive frames; false: receive nothing until listen(true) (sending still works)"]
  ]
}
*/
void jswrap_espnow_listen(bool on) {
  if (!nbStartOrThrow()) return;
  NB_LOCK();
  rxDeaf = !on;
  NB_UNLOCK();
#if !defined(LINUX) && defined(CONFIG_ESP_WIFI_STA_DISCONNECTED_PM_ENABLE) && CONFIG_ESP_WIFI_STA_DISCONNECTED_PM_ENABLE
  /* The radio sleeps between transmissions (wake window 0) or stays awake (the default, maximum window). */
  esp_now_set_wake_window(on ? 65535 : 0);
  esp_wifi_set_ps(on ? WIFI_PS_NONE : WIFI_PS_MIN_MODEM);
#endif
}

/*JSON{
  "type" : "idle",
  "generate" : "jswrap_espnow_idle"
}*/
bool jswrap_espnow_idle(void) {
  if (!nbStarted) return false;
  bool busy = false;
  NbRx rx;
  while (nbPopRx(&rx)) {
    busy = true;
    JsVar *cb = jsvObjectGetChildIfExists(execInfo.hiddenRoot, NB_RX_NAME);
    if (jsvIsFunction(cb)) {
      JsVar *args[3];
      args[0] = nbBytes(rx.mac, 6);
      args[1] = nbBytes(rx.data, rx.len);
      args[2] = jsvNewFromInteger(rx.rssi);
      jsiQueueEvents(0, cb, args, 3);
      jsvUnLockMany(3, args);
    }
    jsvUnLock(cb);
  }
  NbTx st;
  while (nbPopStatus(&st)) {
    busy = true;
    if (inFlight) inFlight--;
    if (st.ok) txOk++;
    else txFail++;
    int i = nbPeerIndex(st.mac);
    if (i >= 0 && peerBusy[i]) peerBusy[i]--;
    JsVar *pending = jsvObjectGetChildIfExists(execInfo.hiddenRoot, NB_CB_NAME);
    JsVar *cb = pending ? jsvSkipNameAndUnLock(jsvArrayPopFirst(pending)) : 0;
    if (jsvIsFunction(cb)) {
      JsVar *ok = jsvNewFromBool(st.ok != 0);
      jsiQueueEvents(0, cb, &ok, 1);
      jsvUnLock(ok);
    }
    jsvUnLock2(cb, pending);
  }
  return busy;
}

/*JSON{
  "type" : "kill",
  "generate" : "jswrap_espnow_kill"
}*/
void jswrap_espnow_kill(void) {
  /* reset / load(): the JavaScript callbacks are gone with the heap; stop ESP-NOW until used again. */
  if (!nbStarted) return;
  esp_now_unregister_recv_cb();
  esp_now_unregister_send_cb();
  esp_now_deinit();
  nbStarted = false;
  nbClearRings();
  peerCount = 0;
  inFlight = 0;
}
