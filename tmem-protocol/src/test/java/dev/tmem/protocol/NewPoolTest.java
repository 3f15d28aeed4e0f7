package dev.tmem.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The NEW_POOL flags and payload. */
class NewPoolTest {

    @Test
    void privatePoolIsOneBytePageShift() throws ProtocolException {
        NewPool p = NewPool.ofPrivate(true, 13);
        assertThat(p.encodePayload()).containsExactly(13);
        assertThat(p.flags()).isEqualTo(Flags.PERSIST);
        assertThat(p.pageSize()).isEqualTo(8192);
        assertThat(NewPool.decode(p.flags(), ByteBuffer.wrap(p.encodePayload()))).isEqualTo(p);
        assertThat(NewPool.decode(0, ByteBuffer.wrap(new byte[] {12}))).isEqualTo(NewPool.ofPrivate(false, 12));
    }

    @Test
    void sharedPoolCarriesItsUuidMostSignificantByteFirst() throws ProtocolException {
        UUID uuid = new UUID(0x0102030405060708L, 0x090A0B0C0D0E0F10L);
        NewPool p = NewPool.ofShared(uuid, 12);
        assertThat(p.flags()).isEqualTo(Flags.SHARED);
        assertThat(p.encodePayload()).containsExactly(12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);
        NewPool back = NewPool.decode(Flags.SHARED, ByteBuffer.wrap(p.encodePayload()));
        assertThat(back.uuid()).isEqualTo(uuid);
        assertThat(back.persistent()).isFalse();
    }

    @Test
    void uuidGoesWithSharedOnly() {
        assertThatThrownBy(() -> new NewPool(false, true, 12, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NewPool(false, false, 12, new UUID(0, 0)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sharedPersistentIsTheLastRuleJudged() {
        assertThatThrownBy(() -> NewPool.decode(Flags.SHARED | Flags.PERSIST, ByteBuffer.wrap(new byte[17])))
                .isInstanceOf(ProtocolException.class)
                .extracting(e -> ((ProtocolException) e).violation().rule())
                .isEqualTo(Rule.BAD_PAGE_SHIFT);
        byte[] ok = NewPool.ofShared(new UUID(0, 0), 16).encodePayload();
        assertThatThrownBy(() -> NewPool.decode(Flags.SHARED | Flags.PERSIST, ByteBuffer.wrap(ok)))
                .extracting(e -> ((ProtocolException) e).violation().rule())
                .isEqualTo(Rule.SHARED_PERSISTENT);
    }
}
