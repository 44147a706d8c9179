package io.basalt.target.scsi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Persistent reservation state of a logical unit (SPC-5 §5.14): registrations per I_T nexus,
 * the reservation, the PRgeneration counter and the last APTPL value. Immutable: a PERSISTENT
 * RESERVE OUT computes the next state, stores it, and only then makes it current, so a failed
 * store changes nothing.
 *
 * @param generation    PRGENERATION (SPC-5 §6.16.2)
 * @param registrations reservation key per registered I_T nexus, in registration order
 * @param reservation   the reservation, or null
 * @param aptpl         the APTPL bit of the last registration change
 */
record PrState(int generation, Map<Nexus, Long> registrations, Reservation reservation, boolean aptpl) {
    private static final int FORMAT = 1;
    static final PrState EMPTY = new PrState(0, Map.of(), null, false);

    /**
     * @param holder the holding I_T nexus; null for All Registrants types, where every
     *               registrant holds the reservation
     * @param type   reservation type (scope is always LU_SCOPE)
     */
    record Reservation(Nexus holder, PrType type) {
    }

    PrState {
        registrations = Collections.unmodifiableMap(new LinkedHashMap<>(registrations));
    }

    boolean registered(Nexus nexus) {
        return registrations.containsKey(nexus);
    }

    Long keyOf(Nexus nexus) {
        return registrations.get(nexus);
    }

    /** Whether {@code nexus} is a reservation holder (SPC-5 §5.14.10). */
    boolean holds(Nexus nexus) {
        if (reservation == null) {
            return false;
        }
        return reservation.type().allRegistrants() ? registered(nexus) : reservation.holder().equals(nexus);
    }

    PrState nextGeneration() {
        return new PrState(generation + 1, registrations, reservation, aptpl);
    }

    PrState withRegistration(Nexus nexus, long key, boolean newAptpl) {
        Map<Nexus, Long> regs = new LinkedHashMap<>(registrations);
        regs.put(nexus, key);
        return new PrState(generation, regs, reservation, newAptpl);
    }

    /**
     * Removes a registration. Losing the holder of a single-holder reservation, or the last
     * registrant of an All Registrants one, releases the reservation (SPC-5 §5.14.11.2.3).
     */
    PrState withoutRegistration(Nexus nexus) {
        Map<Nexus, Long> regs = new LinkedHashMap<>(registrations);
        regs.remove(nexus);
        Reservation r = reservation;
        if (r != null && (r.type().allRegistrants() ? regs.isEmpty() : r.holder().equals(nexus))) {
            r = null;
        }
        return new PrState(generation, regs, r, aptpl);
    }

    PrState withReservation(Reservation r) {
        return new PrState(generation, registrations, r, aptpl);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(generation);
            out.writeBoolean(aptpl);
            out.writeInt(registrations.size());
            for (Map.Entry<Nexus, Long> e : registrations.entrySet()) {
                writeNexus(out, e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeBoolean(reservation != null);
            if (reservation != null) {
                out.writeByte(reservation.type().code());
                out.writeBoolean(reservation.holder() != null);
                if (reservation.holder() != null) {
                    writeNexus(out, reservation.holder());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes {@link #encode()} output; null means "never stored" and gives {@link #EMPTY}. */
    static PrState decode(byte[] stored) {
        if (stored == null) {
            return EMPTY;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT) {
                throw new IllegalStateException("unknown persistent reservation format " + format);
            }
            int generation = in.readInt();
            boolean aptpl = in.readBoolean();
            int n = in.readInt();
            Map<Nexus, Long> regs = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                regs.put(readNexus(in), in.readLong());
            }
            Reservation r = null;
            if (in.readBoolean()) {
                PrType type = PrType.fromCode(in.readUnsignedByte());
                Nexus holder = in.readBoolean() ? readNexus(in) : null;
                r = new Reservation(holder, type);
            }
            return new PrState(generation, regs, r, aptpl);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt persistent reservation state", e);
        }
    }

    private static void writeNexus(DataOutputStream out, Nexus n) throws IOException {
        out.writeUTF(n.initiatorName());
        out.writeUTF(n.isid());
        out.writeUTF(n.targetName());
        out.writeInt(n.portalGroup());
    }

    private static Nexus readNexus(DataInputStream in) throws IOException {
        return new Nexus(in.readUTF(), in.readUTF(), in.readUTF(), in.readInt());
    }
}
