package io.basalt.target.scsi;

/**
 * An I_T nexus (SAM-5): which initiator port talks to which target port. Reservations and unit
 * attentions are kept per nexus. The initiator port name is the iSCSI initiator name plus the
 * session's ISID (RFC 7143 §4.4.2: "iqn...,i,0x<ISID>").
 *
 * @param initiatorName the initiator's iSCSI name
 * @param isid          the 6-byte ISID as a hex string
 * @param targetName    the target's iSCSI name
 * @param portalGroup   the target portal group tag
 */
public record Nexus(String initiatorName, String isid, String targetName, int portalGroup) {
    /** The initiator port's transport id, as SPC's TransportID for iSCSI format 01b. */
    public String initiatorPort() {
        return initiatorName + ",i,0x" + isid;
    }
}
