/**
 * The SCSI block command set of a Basalt logical unit (SPC-5, SBC-4).
 *
 * <p>Shape, after tgt's usr/spc.c and usr/sbc.c: {@link io.basalt.target.scsi.CommandSet} lists
 * every command with its metadata (data direction, Data-Out length, reservation behaviour,
 * whether it runs through a pending unit attention, CDB usage bits) and builds the 256-entry
 * {@link io.basalt.target.scsi.CommandTable}, pre-filled with "invalid operation code".
 * {@link io.basalt.target.scsi.ScsiDispatcher} runs a command against a
 * {@link io.basalt.target.scsi.Lun}; {@link io.basalt.target.scsi.ScsiTarget} adds the
 * target-level answers (REPORT LUNS, missing LUNs, resets, nexus loss).
 *
 * <p>Outcomes are values: a CHECK CONDITION is a {@link io.basalt.target.scsi.Sense} turned into
 * a {@link io.basalt.target.scsi.ScsiResult} by {@link io.basalt.target.scsi.Sense#result()};
 * the ASC/ASCQ vocabulary is {@link io.basalt.target.scsi.Asc}; storage failures become sense
 * only in {@link io.basalt.target.scsi.SenseMapper}.
 *
 * <p>Threading: commands run on worker threads and may block on reads; writes complete through
 * the device's futures. Storage is reached only through {@link io.basalt.target.scsi.BlockDevice}.
 */
package io.basalt.target.scsi;
