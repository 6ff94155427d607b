/*
 * TEST STAND-IN — never part of a board's firmware.
 *
 * The few ESP-IDF declarations jswrap_espnow.c uses (esp_now.h, esp_wifi.h,
 * esp_idf_version.h), for a Linux build of Espruino, implemented by
 * esp_now_standin.c over UDP on 127.0.0.1 in the datagram format of the host's
 * UDP binding (docs/udp-binding.md: dst MAC | src MAC | payload), so the
 * module's JavaScript surface can be proven against nowboard's host tools.
 * Names, types and signatures follow ESP-IDF 5.1 (the recv callback carries
 * the RSSI); error values follow esp_err.h / esp_now.h. Define
 * NB_STANDIN_IDF_MAJOR=4 (or NB_STANDIN_IDF_MINOR=5) to get the IDF 4 (or
 * IDF 5.5) callback signatures instead, to compile-check those paths of the
 * module.
 *
 * Configuration (environment): NOWBOARD_ESPNOW_MAC (aa:bb:cc:dd:ee:ff),
 * NOWBOARD_ESPNOW_PORT (our UDP port), NOWBOARD_ESPNOW_PEERS (comma-separated
 * UDP ports broadcasts go to).
 */
#ifndef NOWBOARD_ESP_NOW_STANDIN_H
#define NOWBOARD_ESP_NOW_STANDIN_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#ifndef NB_STANDIN_IDF_MAJOR
#define NB_STANDIN_IDF_MAJOR 5
#endif
#ifndef NB_STANDIN_IDF_MINOR
#define NB_STANDIN_IDF_MINOR (NB_STANDIN_IDF_MAJOR >= 5 ? 1 : 4)
#endif
#define ESP_IDF_VERSION_VAL(major, minor, patch) (((major) << 16) | ((minor) << 8) | (patch))
#define ESP_IDF_VERSION ESP_IDF_VERSION_VAL(NB_STANDIN_IDF_MAJOR, NB_STANDIN_IDF_MINOR, 0)

typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1
#define ESP_ERR_WIFI_BASE 0x3000
#define ESP_ERR_WIFI_NOT_INIT (ESP_ERR_WIFI_BASE + 1)
#define ESP_ERR_ESPNOW_BASE (ESP_ERR_WIFI_BASE + 100)
#define ESP_ERR_ESPNOW_NOT_INIT (ESP_ERR_ESPNOW_BASE + 1)
#define ESP_ERR_ESPNOW_ARG (ESP_ERR_ESPNOW_BASE + 2)
#define ESP_ERR_ESPNOW_NO_MEM (ESP_ERR_ESPNOW_BASE + 3)
#define ESP_ERR_ESPNOW_FULL (ESP_ERR_ESPNOW_BASE + 4)
#define ESP_ERR_ESPNOW_NOT_FOUND (ESP_ERR_ESPNOW_BASE + 5)
#define ESP_ERR_ESPNOW_INTERNAL (ESP_ERR_ESPNOW_BASE + 6)
#define ESP_ERR_ESPNOW_EXIST (ESP_ERR_ESPNOW_BASE + 7)
#define ESP_ERR_ESPNOW_IF (ESP_ERR_ESPNOW_BASE + 8)

#define ESP_NOW_ETH_ALEN 6
#define ESP_NOW_KEY_LEN 16
#define ESP_NOW_MAX_TOTAL_PEER_NUM 20
#define ESP_NOW_MAX_DATA_LEN 250

typedef enum { WIFI_IF_STA = 0, WIFI_IF_AP = 1 } wifi_interface_t;
typedef enum { WIFI_MODE_NULL = 0, WIFI_MODE_STA, WIFI_MODE_AP, WIFI_MODE_APSTA } wifi_mode_t;

typedef struct {
  uint8_t peer_addr[ESP_NOW_ETH_ALEN];
  uint8_t lmk[ESP_NOW_KEY_LEN];
  uint8_t channel;
  wifi_interface_t ifidx;
  bool encrypt;
  void *priv;
} esp_now_peer_info_t;

typedef enum { ESP_NOW_SEND_SUCCESS = 0, ESP_NOW_SEND_FAIL } esp_now_send_status_t;

typedef struct {
  signed rssi : 8;
} wifi_pkt_rx_ctrl_t;

typedef struct {
  uint8_t *src_addr;
  uint8_t *des_addr;
  wifi_pkt_rx_ctrl_t *rx_ctrl;
} esp_now_recv_info_t;

#if NB_STANDIN_IDF_MAJOR >= 5
typedef void (*esp_now_recv_cb_t)(const esp_now_recv_info_t *info, const uint8_t *data, int data_len);
#else
typedef void (*esp_now_recv_cb_t)(const uint8_t *mac_addr, const uint8_t *data, int data_len);
#endif
#if ESP_IDF_VERSION >= ESP_IDF_VERSION_VAL(5, 5, 0)
typedef struct {
  uint8_t *src_addr;
  uint8_t *des_addr;
} esp_now_send_info_t;
typedef void (*esp_now_send_cb_t)(const esp_now_send_info_t *tx_info, esp_now_send_status_t status);
#else
typedef void (*esp_now_send_cb_t)(const uint8_t *mac_addr, esp_now_send_status_t status);
#endif

esp_err_t esp_now_init(void);
esp_err_t esp_now_deinit(void);
esp_err_t esp_now_register_recv_cb(esp_now_recv_cb_t cb);
esp_err_t esp_now_unregister_recv_cb(void);
esp_err_t esp_now_register_send_cb(esp_now_send_cb_t cb);
esp_err_t esp_now_unregister_send_cb(void);
esp_err_t esp_now_add_peer(const esp_now_peer_info_t *peer);
esp_err_t esp_now_del_peer(const uint8_t *peer_addr);
bool esp_now_is_peer_exist(const uint8_t *peer_addr);
esp_err_t esp_now_send(const uint8_t *peer_addr, const uint8_t *data, size_t len);

esp_err_t esp_wifi_get_mac(wifi_interface_t ifx, uint8_t mac[6]);
esp_err_t esp_wifi_get_mode(wifi_mode_t *mode);
esp_err_t esp_wifi_set_mode(wifi_mode_t mode);
esp_err_t esp_wifi_start(void);

#endif
