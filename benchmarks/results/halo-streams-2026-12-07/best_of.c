/* Paired best-of samples for a loaded machine (the measurements of README.md; not built by
 * benchmarks/CMakeLists.txt). Each sample is one operation after a barrier, timed on rank 0:
 *   best_of MODE SIZE SAMPLES [BATCH]
 *   MODE lat (half a ping-pong, us), bw / bibw (a window of 64 messages, MB/s), halo2d (two
 *   columns of single doubles each way, as benchmarks/halo/halo2d, MB/s sent per rank),
 *   col (one such column one way). BATCH > 1 times that many operations back to back.
 * Prints the best sample and the 10th and 50th percentiles. Build with any MPI's mpicc -O2;
 * run with 2 ranks bound to cores. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void*a,const void*b){double x=*(const double*)a,y=*(const double*)b;return x<y?-1:x>y;}
int main(int argc,char**argv){
  MPI_Init(&argc,&argv);
  int me; MPI_Comm_rank(MPI_COMM_WORLD,&me);
  const char*mode=argv[1]; long size=atol(argv[2]); int iters=atoi(argv[3]);
  int window=64; int batch=argc>4?atoi(argv[4]):1;
  double*t=malloc(sizeof(double)*iters);
  char*sb=malloc(size>0?size:1),*rb=malloc(size>0?size:1); memset(sb,1,size);memset(rb,2,size);
  MPI_Request rq[128];
  long rows=size/8; double*field=NULL; MPI_Datatype col=MPI_DATATYPE_NULL;
  if(!strcmp(mode,"halo2d")||!strcmp(mode,"col")){field=calloc(rows*8,8);for(long i=0;i<rows*8;++i)field[i]=i;
    MPI_Type_vector((int)rows,1,8,MPI_DOUBLE,&col);MPI_Type_commit(&col);}
  int peer=1-me;
  MPI_Datatype f3[4]; double*field3=NULL;
  if(!strcmp(mode,"halo3d")){long L=size/64; if(L<1)L=1; int n[3]={10,10,(int)L+2};
    field3=calloc((size_t)100*(L+2),8); for(long i=0;i<100*(L+2);++i)field3[i]=i;
    int layers[4]={1,8,0,9}; for(int k=0;k<4;++k){int sub[3]={1,8,(int)L},st[3]={layers[k],1,1};
      MPI_Type_create_subarray(3,n,sub,st,MPI_ORDER_C,MPI_DOUBLE,&f3[k]);MPI_Type_commit(&f3[k]);}}
  for(int it=-20;it<iters;++it){
    MPI_Barrier(MPI_COMM_WORLD);
    double a=MPI_Wtime();
    for(int k=0;k<batch;++k){
    if(!strcmp(mode,"lat")){
      if(me==0){MPI_Send(sb,size,MPI_BYTE,1,1,MPI_COMM_WORLD);MPI_Recv(rb,size,MPI_BYTE,1,1,MPI_COMM_WORLD,MPI_STATUS_IGNORE);}
      else{MPI_Recv(rb,size,MPI_BYTE,0,1,MPI_COMM_WORLD,MPI_STATUS_IGNORE);MPI_Send(sb,size,MPI_BYTE,0,1,MPI_COMM_WORLD);}
    }else if(!strcmp(mode,"bw")){
      if(me==0){for(int w=0;w<window;++w)MPI_Isend(sb,size,MPI_BYTE,1,1,MPI_COMM_WORLD,&rq[w]);MPI_Waitall(window,rq,MPI_STATUSES_IGNORE);MPI_Recv(rb,4,MPI_BYTE,1,2,MPI_COMM_WORLD,MPI_STATUS_IGNORE);}
      else{for(int w=0;w<window;++w)MPI_Irecv(rb,size,MPI_BYTE,0,1,MPI_COMM_WORLD,&rq[w]);MPI_Waitall(window,rq,MPI_STATUSES_IGNORE);MPI_Send(sb,4,MPI_BYTE,0,2,MPI_COMM_WORLD);}
    }else if(!strcmp(mode,"bibw")){
      for(int w=0;w<window;++w)MPI_Irecv(rb,size,MPI_BYTE,peer,1,MPI_COMM_WORLD,&rq[w]);
      for(int w=0;w<window;++w)MPI_Isend(sb,size,MPI_BYTE,peer,1,MPI_COMM_WORLD,&rq[window+w]);
      MPI_Waitall(2*window,rq,MPI_STATUSES_IGNORE);
    }else if(!strcmp(mode,"col")){
      if(me==0)MPI_Send(field+1,1,col,1,0,MPI_COMM_WORLD); else MPI_Recv(field+0,1,col,0,0,MPI_COMM_WORLD,MPI_STATUS_IGNORE);
    }else if(!strcmp(mode,"halo3d")){
      MPI_Irecv(field3,1,f3[2],peer,1,MPI_COMM_WORLD,&rq[0]);MPI_Irecv(field3,1,f3[3],peer,0,MPI_COMM_WORLD,&rq[1]);
      MPI_Isend(field3,1,f3[0],peer,0,MPI_COMM_WORLD,&rq[2]);MPI_Isend(field3,1,f3[1],peer,1,MPI_COMM_WORLD,&rq[3]);
      MPI_Waitall(4,rq,MPI_STATUSES_IGNORE);
    }else{
      MPI_Irecv(field+0,1,col,peer,1,MPI_COMM_WORLD,&rq[0]);MPI_Irecv(field+7,1,col,peer,0,MPI_COMM_WORLD,&rq[1]);
      MPI_Isend(field+1,1,col,peer,0,MPI_COMM_WORLD,&rq[2]);MPI_Isend(field+6,1,col,peer,1,MPI_COMM_WORLD,&rq[3]);
      MPI_Waitall(4,rq,MPI_STATUSES_IGNORE);
    }
    }
    double b=MPI_Wtime(); b = a + (b-a)/batch;
    if(it>=0)t[it]=b-a;
  }
  if(me==0){qsort(t,iters,sizeof(double),cmp);
    double unit = !strcmp(mode,"lat")? 1e6/2 : 1e6; /* us */
    double rate = !strcmp(mode,"bw")? window*(double)size : !strcmp(mode,"bibw")? 2.0*window*size : (!strcmp(mode,"halo2d")||!strcmp(mode,"halo3d"))? 2.0*size : !strcmp(mode,"col")? (double)size : 0;
    if(rate>0) printf("%s %ld: best %.0f MB/s p10 %.0f p50 %.0f\n",mode,size,rate/t[0]/1e6,rate/t[iters/10]/1e6,rate/t[iters/2]/1e6);
    else printf("%s %ld: best %.2f us p10 %.2f p50 %.2f\n",mode,size,t[0]*unit,t[iters/10]*unit,t[iters/2]*unit);}
  MPI_Finalize(); return 0;
}
