/** The iSCSI protocol layer (on Netty) and SCSI command handling; arrives with the iSCSI issue. */
package io.basalt.target;
