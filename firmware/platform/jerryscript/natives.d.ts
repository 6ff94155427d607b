/**
 * The natives a C host embedding JerryScript must register as globals before it
 * evaluates a nowboard bundle (jerry_set_property on the global object with a
 * jerry_function_external handler each). Semantics: docs/bindings.md.
 * Byte data crosses as Uint8Array in both directions; callbacks are called from
 * the host's event loop, never re-entrantly from inside the native that got them.
 */
/** Our 6-byte MAC (esp_wifi_get_mac(WIFI_IF_STA)). */
declare function nb_mac(): Uint8Array;
/** esp_now_send; returns false if the frame was refused (> 250 B, bad MAC). `cb(ok)` from the send callback. */
declare function nb_radio_send(mac: Uint8Array, data: Uint8Array, cb: (ok: boolean) => void): boolean;
/** Registers the one esp_now receive handler. */
declare function nb_radio_on_recv(cb: (mac: Uint8Array, data: Uint8Array, rssi: number) => void): void;
/** Monotonic milliseconds (esp_timer_get_time() / 1000). */
declare function nb_now_ms(): number;
/** One-shot timer; returns an id > 0. */
declare function nb_set_timer(ms: number, cb: () => void): number;
declare function nb_clear_timer(id: number): void;
/** n bytes from esp_fill_random (the hardware RNG, with the radio on). */
declare function nb_random(n: number): Uint8Array;
/** Whole-file read of a named file (NVS blob or a SPIFFS/LittleFS file); undefined if absent. */
declare function nb_storage_read(name: string): Uint8Array | undefined;
/** Whole-file write. Need not be atomic: the firmware's slot store makes replaces atomic. */
declare function nb_storage_write(name: string, data: Uint8Array): void;
declare function nb_storage_erase(name: string): void;
/** Names of all files starting with `prefix`. */
declare function nb_storage_list(prefix: string): string[];
/** One log line (to the UART console). */
declare function nb_log(level: number, line: string): void;
/** Station join; `cb(code)` with 0 ok, 1 no AP, 2 auth fail, 3 timeout (WIFI_* in ports.ts). */
declare function nb_wifi_join(ssid: string, psk: string, cb: (code: number) => void): void;
declare function nb_wifi_leave(): void;
/** Optional: native SHA-256 (mbedtls_sha256) and AES-128 block encryption (mbedtls_aes_crypt_ecb). */
declare var nb_sha256: ((data: Uint8Array) => Uint8Array) | undefined;
declare var nb_aes128_ecb: ((key: Uint8Array, block: Uint8Array) => Uint8Array) | undefined;
/**
 * Optional (issue 14): switch the ESP-NOW receiver on or off. Off: no receive
 * callback until it is on again; nb_radio_send still works. On ESP-IDF 5:
 * esp_now_set_wake_window(0) with modem sleep (WIFI_PS_MIN_MODEM, and
 * CONFIG_ESP_WIFI_STA_DISCONNECTED_PM_ENABLE) for off, the maximum window and
 * WIFI_PS_NONE for on (docs/bindings.md).
 */
declare var nb_radio_listen: ((on: boolean) => void) | undefined;
/**
 * Optional (issue 14): light sleep for up to `ms` or until the next timer the
 * host holds (esp_sleep_enable_timer_wakeup, esp_light_sleep_start with the
 * radio already off); returns false when it cannot sleep now. Timers and state
 * survive; the receiver is off while asleep.
 */
declare var nb_light_sleep: ((ms: number) => boolean) | undefined;
