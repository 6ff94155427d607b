/*
 * TEST STAND-IN — never part of a board's firmware.
 *
 * esp_now_* and the three esp_wifi_* calls jswrap_espnow.c makes, for a Linux
 * build of Espruino: ESP-NOW semantics over UDP on 127.0.0.1, in the datagram
 * format of nowboard's UDP binding (docs/udp-binding.md), so a Linux Espruino
 * with the module is a radio peer of configurator/transport/udp-radio.ts and
 * of other such processes.
 *
 * Like ESP-IDF, it calls the receive and send callbacks on its own thread
 * (standing in for the Wi-Fi task), never from inside esp_now_send(); it
 * sends only to registered peers (ESP_ERR_ESPNOW_NOT_FOUND otherwise) and
 * holds at most ESP_NOW_MAX_TOTAL_PEER_NUM of them (ESP_ERR_ESPNOW_FULL).
 * Broadcast goes to every configured peer port; unicast to the port learned
 * from that MAC's last datagram, else to every peer port (the others drop
 * it). The send status is ESP_NOW_SEND_SUCCESS when the socket took the
 * datagram: UDP has no MAC-level acknowledgement. RSSI is -40, as the host's
 * loopback binding reports.
 */
#include "esp_now_standin.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SI_MAX_PEER_PORTS 32
#define SI_LEARNED 64
#define SI_STATUS 64
#define SI_RSSI -40

static int siSock = -1;
static pthread_t siThread;
static volatile bool siRunning;
static pthread_mutex_t siLock = PTHREAD_MUTEX_INITIALIZER;
static esp_now_recv_cb_t siRecv;
static esp_now_send_cb_t siSent;
static uint8_t siMac[6];
static bool siMacSet;
static int siPorts[SI_MAX_PEER_PORTS];
static int siPortCount;
static uint8_t siPeers[ESP_NOW_MAX_TOTAL_PEER_NUM][6];
static int siPeerCount;
static struct { uint8_t mac[6]; int port; } siLearned[SI_LEARNED];
static int siLearnedCount;
static struct { uint8_t mac[6]; esp_now_send_status_t st; } siStatus[SI_STATUS];
static int siStatusCount;
static const uint8_t SI_BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static bool siParseMac(const char *s, uint8_t out[6]) {
  unsigned int b[6];
  if (!s || sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6) return false;
  for (int i = 0; i < 6; i++) out[i] = (uint8_t)b[i];
  return true;
}

static void siConfigure(void) {
  if (!siMacSet) {
    if (!siParseMac(getenv("NOWBOARD_ESPNOW_MAC"), siMac)) {
      uint8_t def[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
      memcpy(siMac, def, 6);
    }
    siMacSet = true;
  }
  siPortCount = 0;
  const char *p = getenv("NOWBOARD_ESPNOW_PEERS");
  while (p && *p && siPortCount < SI_MAX_PEER_PORTS) {
    int port = atoi(p);
    if (port > 0) siPorts[siPortCount++] = port;
    p = strchr(p, ',');
    if (p) p++;
  }
}

static void siLearn(const uint8_t *mac, int port) {
  for (int i = 0; i < siLearnedCount; i++)
    if (!memcmp(siLearned[i].mac, mac, 6)) {
      siLearned[i].port = port;
      return;
    }
  if (siLearnedCount < SI_LEARNED) {
    memcpy(siLearned[siLearnedCount].mac, mac, 6);
    siLearned[siLearnedCount++].port = port;
  }
}

static int siLearnedPort(const uint8_t *mac) {
  for (int i = 0; i < siLearnedCount; i++)
    if (!memcmp(siLearned[i].mac, mac, 6)) return siLearned[i].port;
  return 0;
}

static void *siLoop(void *arg) {
  (void)arg;
  uint8_t buf[12 + ESP_NOW_MAX_DATA_LEN + 1];
  while (siRunning) {
    struct pollfd pfd = {siSock, POLLIN, 0};
    int r = poll(&pfd, 1, 5);
    if (r > 0 && (pfd.revents & POLLIN)) {
      struct sockaddr_in from;
      socklen_t fl = sizeof(from);
      ssize_t n = recvfrom(siSock, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
      if (n >= 12 && n <= 12 + ESP_NOW_MAX_DATA_LEN && (!memcmp(buf, SI_BCAST, 6) || !memcmp(buf, siMac, 6))) {
        pthread_mutex_lock(&siLock);
        siLearn(buf + 6, ntohs(from.sin_port));
        esp_now_recv_cb_t cb = siRecv;
        pthread_mutex_unlock(&siLock);
        if (cb) {
#if NB_STANDIN_IDF_MAJOR >= 5
          wifi_pkt_rx_ctrl_t ctrl;
          ctrl.rssi = SI_RSSI;
          esp_now_recv_info_t info = {buf + 6, buf, &ctrl};
          cb(&info, buf + 12, (int)(n - 12));
#else
          cb(buf + 6, buf + 12, (int)(n - 12));
#endif
        }
      }
    }
    /* Send statuses, in order, from this thread (as the Wi-Fi task would). */
    for (;;) {
      pthread_mutex_lock(&siLock);
      if (!siStatusCount) {
        pthread_mutex_unlock(&siLock);
        break;
      }
      uint8_t mac[6];
      memcpy(mac, siStatus[0].mac, 6);
      esp_now_send_status_t st = siStatus[0].st;
      memmove(&siStatus[0], &siStatus[1], sizeof(siStatus[0]) * (size_t)(siStatusCount - 1));
      siStatusCount--;
      esp_now_send_cb_t cb = siSent;
      pthread_mutex_unlock(&siLock);
      if (cb) {
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
        esp_now_send_info_t info = {siMac, mac};
        cb(&info, st);
#else
        cb(mac, st);
#endif
      }
    }
  }
  return 0;
}

esp_err_t esp_now_init(void) {
  if (siRunning) return ESP_OK;
  siConfigure();
  const char *ps = getenv("NOWBOARD_ESPNOW_PORT");
  int port = ps ? atoi(ps) : 0;
  siSock = socket(AF_INET, SOCK_DGRAM, 0);
  if (siSock < 0) return ESP_ERR_ESPNOW_INTERNAL;
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  if (bind(siSock, (struct sockaddr *)&a, sizeof(a)) < 0) {
    fprintf(stderr, "esp_now stand-in: cannot bind 127.0.0.1:%d (%s)\n", port, strerror(errno));
    close(siSock);
    siSock = -1;
    return ESP_ERR_ESPNOW_INTERNAL;
  }
  siPeerCount = 0;
  siLearnedCount = 0;
  siStatusCount = 0;
  siRunning = true;
  if (pthread_create(&siThread, 0, siLoop, 0)) {
    siRunning = false;
    close(siSock);
    siSock = -1;
    return ESP_ERR_ESPNOW_INTERNAL;
  }
  return ESP_OK;
}

esp_err_t esp_now_deinit(void) {
  if (!siRunning) return ESP_OK;
  siRunning = false;
  pthread_join(siThread, 0);
  close(siSock);
  siSock = -1;
  siRecv = 0;
  siSent = 0;
  return ESP_OK;
}

esp_err_t esp_now_register_recv_cb(esp_now_recv_cb_t cb) {
  pthread_mutex_lock(&siLock);
  siRecv = cb;
  pthread_mutex_unlock(&siLock);
  return siRunning ? ESP_OK : ESP_ERR_ESPNOW_NOT_INIT;
}
esp_err_t esp_now_unregister_recv_cb(void) { return esp_now_register_recv_cb(0); }

esp_err_t esp_now_register_send_cb(esp_now_send_cb_t cb) {
  pthread_mutex_lock(&siLock);
  siSent = cb;
  pthread_mutex_unlock(&siLock);
  return siRunning ? ESP_OK : ESP_ERR_ESPNOW_NOT_INIT;
}
esp_err_t esp_now_unregister_send_cb(void) { return esp_now_register_send_cb(0); }

bool esp_now_is_peer_exist(const uint8_t *mac) {
  for (int i = 0; i < siPeerCount; i++)
    if (!memcmp(siPeers[i], mac, 6)) return true;
  return false;
}

esp_err_t esp_now_add_peer(const esp_now_peer_info_t *peer) {
  if (!siRunning) return ESP_ERR_ESPNOW_NOT_INIT;
  if (!peer) return ESP_ERR_ESPNOW_ARG;
  if (esp_now_is_peer_exist(peer->peer_addr)) return ESP_ERR_ESPNOW_EXIST;
  if (siPeerCount == ESP_NOW_MAX_TOTAL_PEER_NUM) return ESP_ERR_ESPNOW_FULL;
  memcpy(siPeers[siPeerCount++], peer->peer_addr, 6);
  return ESP_OK;
}

esp_err_t esp_now_del_peer(const uint8_t *mac) {
  for (int i = 0; i < siPeerCount; i++)
    if (!memcmp(siPeers[i], mac, 6)) {
      memcpy(siPeers[i], siPeers[--siPeerCount], 6);
      return ESP_OK;
    }
  return ESP_ERR_ESPNOW_NOT_FOUND;
}

static bool siSendTo(int port, const uint8_t *dgram, size_t n) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons((uint16_t)port);
  return sendto(siSock, dgram, n, 0, (struct sockaddr *)&a, sizeof(a)) == (ssize_t)n;
}

esp_err_t esp_now_send(const uint8_t *peer_addr, const uint8_t *data, size_t len) {
  if (!siRunning) return ESP_ERR_ESPNOW_NOT_INIT;
  if (!peer_addr || len > ESP_NOW_MAX_DATA_LEN || (len && !data)) return ESP_ERR_ESPNOW_ARG;
  if (!esp_now_is_peer_exist(peer_addr)) return ESP_ERR_ESPNOW_NOT_FOUND;
  uint8_t dgram[12 + ESP_NOW_MAX_DATA_LEN];
  memcpy(dgram, peer_addr, 6);
  memcpy(dgram + 6, siMac, 6);
  if (len) memcpy(dgram + 12, data, len);
  bool ok = siPortCount > 0;
  pthread_mutex_lock(&siLock);
  int learned = memcmp(peer_addr, SI_BCAST, 6) ? siLearnedPort(peer_addr) : 0;
  pthread_mutex_unlock(&siLock);
  if (learned) ok = siSendTo(learned, dgram, 12 + len);
  else
    for (int i = 0; i < siPortCount; i++) ok = siSendTo(siPorts[i], dgram, 12 + len) && ok;
  pthread_mutex_lock(&siLock);
  if (siStatusCount == SI_STATUS) {
    pthread_mutex_unlock(&siLock);
    return ESP_ERR_ESPNOW_NO_MEM;
  }
  memcpy(siStatus[siStatusCount].mac, peer_addr, 6);
  siStatus[siStatusCount++].st = ok ? ESP_NOW_SEND_SUCCESS : ESP_NOW_SEND_FAIL;
  pthread_mutex_unlock(&siLock);
  return ESP_OK;
}

esp_err_t esp_wifi_get_mac(wifi_interface_t ifx, uint8_t mac[6]) {
  (void)ifx;
  siConfigure();
  memcpy(mac, siMac, 6);
  return ESP_OK;
}

static wifi_mode_t siMode = WIFI_MODE_NULL;
esp_err_t esp_wifi_get_mode(wifi_mode_t *mode) {
  *mode = siMode;
  return ESP_OK;
}
esp_err_t esp_wifi_set_mode(wifi_mode_t mode) {
  siMode = mode;
  return ESP_OK;
}
esp_err_t esp_wifi_start(void) { return ESP_OK; }
