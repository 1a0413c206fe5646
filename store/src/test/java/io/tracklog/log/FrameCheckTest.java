package io.tracklog.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The check of every log excerpt since store format 4 (docs/FORMAT.md §Checked frames). */
class FrameCheckTest {
  private static byte[] payload(SplittableRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    bytes[0] &= 0x7F; // a type tag
    return bytes;
  }

  @Test
  void sealed_opensToThePayload_atEveryLength_withTheShortCheckUpTo66Bytes() {
    SplittableRandom random = new SplittableRandom(1);
    for (int length = 1; length <= 300; length++) {
      byte[] payload = payload(random, length);
      byte[] sealed = new byte[length + 4];
      int total = FrameCheck.seal(payload, length, sealed);
      assertThat(total - length).as("check bytes at %d", length).isEqualTo(total <= FrameCheck.SHORT_LIMIT ? 2 : 4);
      assertThat(FrameCheck.isChecked(sealed, total)).isTrue();
      assertThat(FrameCheck.open(sealed, total)).as("length %d", length).isEqualTo(length);
      assertThat(Arrays.copyOf(sealed, length)).isEqualTo(payload);
    }
  }

  @Test
  void everySingleBitFlip_andEveryDamagedByte_failsTheCheck() {
    SplittableRandom random = new SplittableRandom(2);
    for (int length : new int[] {1, 12, 14, 64, 65, 200, 15 * 1024}) {
      byte[] payload = payload(random, length);
      byte[] sealed = new byte[length + 4];
      int total = FrameCheck.seal(payload, length, sealed);
      for (int at = 0; at < total; at++) {
        for (int bit = 0; bit < 8; bit++) {
          byte[] damaged = Arrays.copyOf(sealed, total);
          damaged[at] ^= (byte) (1 << bit);
          if (at == 0 && bit == 7) {
            assertThat(FrameCheck.isChecked(damaged, total)).isFalse(); // reads as unchecked: refused where checks are due
            continue;
          }
          assertThat(FrameCheck.open(damaged, total)).as("length %d, bit %d of byte %d", length, bit, at).isEqualTo(-1);
        }
        byte[] damaged = Arrays.copyOf(sealed, total);
        damaged[at] = (byte) ~damaged[at];
        if (at != 0) {
          assertThat(FrameCheck.open(damaged, total)).as("length %d, byte %d inverted", length, at).isEqualTo(-1);
        }
      }
    }
  }

  @Test
  void crc16_equalsTheBitwiseDefinition_atEveryLengthAndOffsetParity() {
    SplittableRandom random = new SplittableRandom(11);
    for (int length = 0; length <= 200; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      int crc = 0xFFFF; // CRC-16/CCITT-FALSE, bit by bit: polynomial 0x1021, no reflection, no final XOR
      for (byte b : bytes) {
        crc ^= (b & 0xFF) << 8;
        for (int k = 0; k < 8; k++) {
          crc = (crc & 0x8000) != 0 ? ((crc << 1) ^ 0x1021) & 0xFFFF : (crc << 1) & 0xFFFF;
        }
      }
      assertThat(FrameCheck.crc16(bytes, length)).as("length %d", length).isEqualTo(crc);
    }
  }

  @Test
  void crc16_isCcittFalse() {
    assertThat(FrameCheck.crc16("123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 9)).isEqualTo(0x29B1);
  }
}
