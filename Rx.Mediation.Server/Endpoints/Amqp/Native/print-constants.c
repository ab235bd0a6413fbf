/* Prints the Qpid Proton C enum values that ProtonConstants.cs copies, so they are never counted by hand.
   gcc print-constants.c -o /tmp/pc && /tmp/pc   (needs libqpid-proton11-dev; values checked against 0.37.0) */
#include <stdio.h>
#include <proton/proactor.h>
#include <proton/event.h>
#include <proton/delivery.h>
#include <proton/disposition.h>
#include <proton/terminus.h>
#include <proton/codec.h>
#include <proton/message.h>
#include <proton/condition.h>
#include <proton/error.h>
#include <proton/link.h>
#include <proton/version.h>
#include <proton/connection.h>
#define P(x) printf("%s=%d\n", #x, (int)(x))
int main(){
 printf("version %d.%d.%d\n", PN_VERSION_MAJOR, PN_VERSION_MINOR, PN_VERSION_POINT);
 P(PN_CONNECTION_INIT);P(PN_CONNECTION_REMOTE_OPEN);P(PN_CONNECTION_REMOTE_CLOSE);P(PN_SESSION_REMOTE_CLOSE);P(PN_LINK_REMOTE_OPEN);P(PN_LINK_REMOTE_CLOSE);P(PN_LINK_REMOTE_DETACH);P(PN_LINK_FLOW);P(PN_DELIVERY);
 P(PN_TRANSPORT_ERROR);P(PN_TRANSPORT_CLOSED);P(PN_CONNECTION_WAKE);P(PN_PROACTOR_INTERRUPT);P(PN_PROACTOR_TIMEOUT);P(PN_PROACTOR_INACTIVE);P(PN_SESSION_REMOTE_OPEN);
 P(PN_ACCEPTED);P(PN_REJECTED);P(PN_RELEASED);P(PN_MODIFIED);P(PN_RECEIVED);
 P(PN_NONDURABLE);P(PN_CONFIGURATION);P(PN_DELIVERIES);
 P(PN_NULL);P(PN_BOOL);P(PN_UBYTE);P(PN_BYTE);P(PN_USHORT);P(PN_SHORT);P(PN_UINT);P(PN_INT);P(PN_CHAR);P(PN_ULONG);P(PN_LONG);P(PN_TIMESTAMP);P(PN_FLOAT);P(PN_DOUBLE);P(PN_DECIMAL32);P(PN_DECIMAL64);P(PN_DECIMAL128);P(PN_UUID);P(PN_BINARY);P(PN_STRING);P(PN_SYMBOL);P(PN_DESCRIBED);P(PN_ARRAY);P(PN_LIST);P(PN_MAP);
 P(PN_OVERFLOW);P(PN_EOS);P(PN_UNDERFLOW);P(PN_ERR);
 P(PN_LOCAL_ACTIVE);P(PN_REMOTE_ACTIVE);P(PN_REMOTE_CLOSED);P(PN_LOCAL_CLOSED);
 P(PN_SND_UNSETTLED);P(PN_SND_SETTLED);P(PN_RCV_FIRST);
 printf("sizeof pn_atom_t=%zu pn_bytes_t=%zu\n", sizeof(pn_atom_t), sizeof(pn_bytes_t));
 return 0;}
