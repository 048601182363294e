/*
 * drivers/net/e1000.h - Intel 82540EM ("e1000", 8086:100e), QEMU's
 * default NIC, as the network device "eth0".
 *
 * The driver finds the card on PCI bus 0, maps its registers (BAR0,
 * uncached), turns bus mastering on (the card reads and writes the
 * descriptor rings and buffers in RAM itself: DMA), resets it, reads its
 * MAC address, brings the link up and gives it two rings:
 *
 *   RX  E1000_RX_RING descriptors, each owning a 2 KiB buffer. The card
 *       fills buffers from RDH on and sets each descriptor's DD bit; the
 *       driver takes frames from rx_next and gives descriptors back by
 *       moving RDT. RDH == RDT: no free descriptor, the ring is full.
 *   TX  E1000_TX_RING descriptors. xmit copies a frame into the buffer at
 *       TDT and moves TDT; the card sends it and sets DD; NET_TX reclaims
 *       the descriptors from tx_clean on.
 *
 * Interrupts (PCI INTx, level-triggered, shareable): the top half reads
 * ICR, which acknowledges every cause it returns (0: not ours, IRQ_NONE).
 * With NAPI (the default) a receive cause masks receive interrupts (IMC)
 * and schedules the poll, which unmasks (IMS) once it has caught up; a
 * transmit-done cause asks for NET_TX; a link change updates link_up.
 * With `napi=off` on the command line the top half itself takes every
 * frame off the ring and hands it to netif_rx(), interrupts unmasked:
 * one interrupt per frame, the receive-livelock demo (docs/net.md).
 *
 * Context: e1000_init once at boot (task context, after pci_init);
 * e1000_dev from any context (NULL if there is no card).
 */
#ifndef DRIVERS_NET_E1000_H
#define DRIVERS_NET_E1000_H

#include <stdbool.h>

#define E1000_RX_RING  256 /* descriptors (a multiple of 8) */
#define E1000_TX_RING  128
#define E1000_BUF_SIZE 2048 /* RCTL.BSIZE 2048: one frame per buffer */

struct net_device;

void e1000_init(void);
struct net_device *e1000_dev(void);

#endif
